"""ログ突合's picture of one terminal's day: register entries as bars inside their shaded tolerance band,
operations as ticks coloured by operator, discrepancies as marks. Clicking a mark emits its id; `show_day`
scrolls to the discrepancy the day was opened for."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from ..services.day_timeline import DayPicture

PX_PER_MINUTE = 4.0
AXIS_Y, BAR_Y, BAR_H, TICK_Y, TICK_H, MARK_Y, MARK_STEP = 0.0, 22.0, 18.0, 46.0, 26.0, 78.0, 14.0
OPERATOR_COLOURS = [QColor(c) for c in ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e",
                                        "#558b2f")]
BAND_COLOUR, BAR_COLOUR = QColor("#fff3c4"), QColor("#90a4ae")
MARK_COLOUR, SELECTED_COLOUR = QColor("#c62828"), QColor("#ff6f00")
ID_ROLE = 0  # QGraphicsItem.data key holding a mark's discrepancy id


def x_of(moment: datetime, midnight: datetime) -> float:
    return (moment - midnight).total_seconds() / 60 * PX_PER_MINUTE


class DayTimeline(QGraphicsView):
    discrepancy_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("day_timeline")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumHeight(130)
        self.picture: DayPicture | None = None
        self.marks: dict[int, QGraphicsItem] = {}
        self.operator_colours: dict[str, QColor] = {}

    def clear_day(self) -> None:
        self.scene().clear()
        self.marks = {}
        self.picture = None

    def show_day(self, picture: DayPicture) -> None:
        self.clear_day()
        self.picture = picture
        scene = self.scene()
        midnight = datetime.combine(picture.day, time())
        width = 24 * 60 * PX_PER_MINUTE
        scene.setSceneRect(QRectF(-8, AXIS_Y, width + 16, MARK_Y + 20))
        for hour in range(25):
            x = hour * 60 * PX_PER_MINUTE
            scene.addLine(x, AXIS_Y + 14, x, MARK_Y + 14, QPen(QColor("#e0e0e0")))
            scene.addSimpleText(f"{hour}時").setPos(x + 2, AXIS_Y)
        band = picture.tolerance_minutes * PX_PER_MINUTE
        for bar in picture.bars:
            left, right = x_of(bar.start, midnight), x_of(bar.end, midnight)
            scene.addRect(QRectF(left - band, BAR_Y - 2, right - left + 2 * band, BAR_H + 4), QPen(Qt.PenStyle.NoPen),
                          QBrush(BAND_COLOUR)).setZValue(-1)
            item = scene.addRect(QRectF(left, BAR_Y, max(right - left, 2), BAR_H), QPen(BAR_COLOUR.darker()),
                                 QBrush(BAR_COLOUR))
            item.setToolTip(f"{bar.start:%H:%M}〜{bar.end:%H:%M} {bar.operator} 事務 {bar.jimu_code or '―'} "
                            f"{'' if bar.count is None else f'{bar.count} 件'}")
        paths: dict[str, QPainterPath] = {}
        for tick in picture.ticks:
            path = paths.setdefault(tick.operator, QPainterPath())
            x = x_of(tick.at, midnight)
            path.moveTo(x, TICK_Y)
            path.lineTo(x, TICK_Y + TICK_H)
        self.operator_colours = {op: OPERATOR_COLOURS[i % len(OPERATOR_COLOURS)] for i, op in enumerate(sorted(paths))}
        for operator, path in paths.items():
            scene.addPath(path, QPen(self.operator_colours[operator], 1.5)).setToolTip(f"操作者 {operator}")
        placed: list[float] = []
        for mark in picture.marks:
            x = x_of(mark.at, midnight)
            y = MARK_Y + MARK_STEP * sum(1 for other in placed if abs(other - x) < MARK_STEP)  # stacked, each reachable
            placed.append(x)
            triangle = QPolygonF([QPointF(x, y), QPointF(x - 6, y + 12), QPointF(x + 6, y + 12)])
            selected = mark.discrepancy_id == picture.selected_id
            colour = SELECTED_COLOUR if selected else MARK_COLOUR
            item = scene.addPolygon(triangle, QPen(colour.darker()), QBrush(colour))
            item.setData(ID_ROLE, mark.discrepancy_id)
            item.setToolTip(f"{mark.at:%H:%M:%S} {mark.label}")
            item.setZValue(2 if selected else 1)
            self.marks[mark.discrepancy_id] = item
        scene.setSceneRect(scene.sceneRect().united(scene.itemsBoundingRect()))
        chosen = self.marks.get(picture.selected_id)
        if chosen is not None:
            self.centerOn(chosen)

    def mark_position(self, discrepancy_id: int) -> QPointF:
        """Where the mark of `discrepancy_id` is in the viewport (for a click)."""
        item = self.marks[discrepancy_id]
        return QPointF(self.mapFromScene(item.sceneBoundingRect().center()))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        item = self.itemAt(event.position().toPoint())
        if item is not None and item.data(ID_ROLE) is not None:
            self.discrepancy_clicked.emit(int(item.data(ID_ROLE)))
        super().mousePressEvent(event)
