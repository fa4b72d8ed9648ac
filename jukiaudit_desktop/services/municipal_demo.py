"""Demo step 「市町村(資料5)」: the municipalities the seed names and 資料5's table of J-LIS activities for R7.

Named in the seed: 箕輪町 (リモート監査 「3町3村 (箕輪町ほか)」), 松本市 (リモートヒアリング 「26市町村 (松本市ほか)」),
飯田市 and 軽井沢町 (the council's members from 関係市町村). The others are not named and are not invented: an
activity keeps its targets as stated and the count it states. No municipal self-check scores are in the seed, so
none are loaded (the 2.99 average and its main reason stay the material's text).
"""

from __future__ import annotations

from ..core.master import Agency, AgencyKind
from ..core.municipal import MunicipalActivity, MunicipalActivityKind
from ..storage import agencies, municipal_repo, trail
from ..storage.database import Database

FISCAL_YEAR = 2025
JLIS = "J-LIS"
MUNICIPALITIES = (("M01", "松本市"), ("M02", "飯田市"), ("M03", "軽井沢町"), ("M04", "箕輪町"))
ACTIVITIES = (
    (MunicipalActivityKind.DEVICE_SURVEY, "全市町村", None, "R7.7～8",
     "実機(住基ネットの利用端末等)の設定が適切なものになっているかをパッチプログラムにより確認", ()),
    (MunicipalActivityKind.REMOTE_AUDIT, "3町3村(箕輪町ほか)", 6, "R7.11～R8.2",
     "自己点検結果の内容をウェブ会議システムを活用し網羅的に監査", ("箕輪町",)),
    (MunicipalActivityKind.REMOTE_HEARING, "26市町村(松本市ほか)", 26, "R7.10～R8.2",
     "リモート監査の監査項目を重点化し、電話でのヒアリングを実施", ("松本市",)),
    (MunicipalActivityKind.SEMINAR, "全市町村", None, "R8.2",
     "市町村での内部監査の実施方法やセキュリティ対策に関するオンラインセミナーを実施(予定)", ()),
)


def load(db: Database) -> None:
    """Insert the municipalities and the R7 activities. Runs inside the demo loader's transaction."""
    ids = {name: agencies.insert(db, Agency(code, name, AgencyKind.SHICHOSON)).id for code, name in MUNICIPALITIES}
    for kind, targets, count, period, content, named in ACTIVITIES:
        municipal_repo.insert_activity(db, MunicipalActivity(FISCAL_YEAR, kind, JLIS, targets, count, period,
                                                             content), [i for n in named if (i := ids[n]) is not None])
    trail.record(db, "municipal.demo", municipalities=len(ids), activities=len(ACTIVITIES))
