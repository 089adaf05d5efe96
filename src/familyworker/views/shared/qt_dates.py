"""Python dates to and from Qt's, spelled out: the binding's implicit conversions differ between
PySide6 releases (and their type stubs), so the app never relies on them."""

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_local_qdatetime(moment: datetime) -> QDateTime:
    """The same instant, shown in the laptop's time zone (naive values are taken as local)."""
    return QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))
