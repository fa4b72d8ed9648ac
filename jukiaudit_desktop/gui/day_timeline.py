"""ログ突合's picture of one terminal's day: register entries as bars inside their shaded tolerance band,
operations as ticks coloured by operator, discrepancies as marks. Clicking a mark emits its id; `show_day`
scrolls to the discrepancy the day was opened for."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QPicture, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from ..services.day_timeline import DayPicture, operator_colours

PX_PER_MINUTE = 4.0
AXIS_Y, BAR_Y, BAR_H, TICK_Y, TICK_H, MARK_Y, MARK_STEP = 0.0, 16.0, 12.0, 32.0, 16.0, 50.0, 12.0
BAND_COLOUR, BAR_COLOUR = QColor("#fff3c4"), QColor("#90a4ae")
MARK_COLOUR, SELECTED_COLOUR = QColor("#c62828"), QColor("#ff6f00")


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
        self.setMinimumHeight(84)  # the axis, bars, ticks, a row of marks and the scroll bar
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
        scene.setSceneRect(QRectF(-8, AXIS_Y, width + 16, MARK_Y + 12))
        band = picture.tolerance_minutes * PX_PER_MINUTE
        for bar in picture.bars:
            left, right = x_of(bar.start, midnight), x_of(bar.end, midnight)
            scene.addRect(QRectF(left - band, BAR_Y - 2, right - left + 2 * band, BAR_H + 4), QPen(Qt.PenStyle.NoPen),
                          QBrush(BAND_COLOUR))  # added before its bar: drawn beneath it
            item = scene.addRect(QRectF(left, BAR_Y, max(right - left, 2), BAR_H), QPen(BAR_COLOUR.darker()),
                                 QBrush(BAR_COLOUR))
            item.setToolTip(f"{bar.start:%H:%M}～{bar.end:%H:%M} {bar.operator} 事務 {bar.jimu_code or '―'} "
                            f"{'' if bar.count is None else f'{bar.count} 件'}")
        self.operator_colours = {op: QColor(hex_) for op, hex_ in operator_colours(picture).items()}
        scene.addItem(TickItem(picture, midnight, self.operator_colours))
        placed: list[float] = []
        for mark in picture.marks:
            x = x_of(mark.at, midnight)
            y = MARK_Y + MARK_STEP * sum(1 for other in placed if abs(other - x) < MARK_STEP)  # stacked, each reachable
            placed.append(x)
            triangle = QPolygonF([QPointF(x, y), QPointF(x - 5, y + 10), QPointF(x + 5, y + 10)])
            selected = mark.discrepancy_id == picture.selected_id
            colour = SELECTED_COLOUR if selected else MARK_COLOUR
            mark_item = scene.addPolygon(triangle, QPen(colour.darker()), QBrush(colour))
            mark_item.setToolTip(f"{mark.at:%H:%M:%S} {mark.label}")
            if selected:
                mark_item.setZValue(1)
            self.marks[mark.discrepancy_id] = mark_item
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
        found = next((id_ for id_, mark in self.marks.items() if mark is item), None)
        if found is not None:
            self.discrepancy_clicked.emit(found)
        super().mousePressEvent(event)


class TickItem(QGraphicsItem):
    """The hour grid and every operation's tick, recorded once into a QPicture and replayed on each paint.
    (Few calls into Qt on purpose: PySide6 6.12 on Python 3.11 drops a reference to None on every call of a
    void method, so one call per operation would soon end the process — see the report of issue 15.)"""

    def __init__(self, picture: DayPicture, midnight: datetime, colours: dict[str, QColor]) -> None:
        super().__init__()
        lines: dict[str, list[QLineF]] = {}
        for tick in picture.ticks:
            x = x_of(tick.at, midnight)
            lines.setdefault(tick.operator, []).append(QLineF(x, TICK_Y, x, TICK_Y + TICK_H))
        self.recorded = QPicture()
        painter = QPainter(self.recorded)
        painter.setPen(QPen(QColor("#e0e0e0")))
        painter.drawLines([QLineF(h * 60 * PX_PER_MINUTE, AXIS_Y + 13, h * 60 * PX_PER_MINUTE, MARK_Y + 10)
                           for h in range(25)])
        painter.setPen(QPen(QColor("#424242")))
        for hour in range(25):
            painter.drawText(QPointF(hour * 60 * PX_PER_MINUTE + 2, AXIS_Y + 11), f"{hour}時")
        for operator, operator_lines in lines.items():
            painter.setPen(QPen(colours[operator], 1.5))
            painter.drawLines(operator_lines)
        painter.end()
        self.bounds = QRectF(self.recorded.boundingRect())

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self.bounds

    def paint(self, painter: QPainter, _option: object, _widget: object = None) -> None:
        painter.drawPicture(0, 0, self.recorded)
