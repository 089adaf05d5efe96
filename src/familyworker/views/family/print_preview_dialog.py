"""Print preview: a report's pages as the worker will get them, then Save as PDF… or Print….

The report is rendered once, off the GUI thread, and held in memory; what is saved or sent to
the printer is those same bytes (audited with their SHA-256), never a second render. Nothing
is written to a temporary file: these reports carry children's details.
"""

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize, QStandardPaths, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from familyworker.domain.errors import ValidationError
from familyworker.reports.pdf_pages import PageImage, PageSize, page_sizes, render_page, warm_up
from familyworker.services.printing import (
    PrintedReport,
    ReportPreview,
    record_preview_printed,
    save_preview,
)
from familyworker.services.reauthentication import (
    PassphraseRecency,
    confirm_passphrase,
    record_export_denied,
)
from familyworker.store.caseload_store import CaseloadStore
from familyworker.store.errors import StoreError
from familyworker.store.unlock_attempts import UnlockAttemptLog
from familyworker.views.shared.passphrase_prompt import PassphrasePrompt
from familyworker.views.shared.task_runner import TaskRunner

try:  # Part of PySide6-Essentials; the fallback keeps the app usable if a build lacks it.
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    HAVE_PRINT_SUPPORT = True
except ImportError:  # pragma: no cover - every supported wheel has it
    HAVE_PRINT_SUPPORT = False

log = logging.getLogger(__name__)

PREVIEW_DPI = 120.0  # sharp at fit-width on a laptop screen; ~6 MB a page in memory
MAX_PRINT_DPI = 300.0
FIT_WIDTH, ACTUAL_SIZE = "fit", "100"
PAGE_GAP = 12


_warmed_up = False


def warm_up_in_background(runner: TaskRunner) -> None:
    """Once a session, off the GUI thread: the fonts and PDFium a first preview needs, so
    the worker's first preview is as quick as the rest."""
    global _warmed_up
    if _warmed_up:
        return
    _warmed_up = True
    runner.run(warm_up, lambda _result: None, _log_warm_up_error)


def _log_warm_up_error(error: Exception) -> None:
    log.error("Could not prepare printing in advance (%s)", type(error).__name__)


def image_of(page: PageImage) -> QImage:
    """The page's pixels as a QImage that owns its copy (the bytes may then go)."""
    image = QImage(page.pixels, page.width, page.height, page.stride,
                   QImage.Format.Format_RGBX8888)
    return image.copy()


def _render_first(render: Callable[[], ReportPreview]
                  ) -> tuple[ReportPreview, list[PageSize], QImage]:
    preview = render()
    sizes = page_sizes(preview.data)
    return preview, sizes, image_of(render_page(preview.data, 0, dpi=PREVIEW_DPI))


def save_error_message(error: Exception) -> str:
    """What went wrong saving, in words the worker can act on (no path, no personal data)."""
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    if isinstance(error, PermissionError):
        return ("The PDF was not saved: you do not have permission to save in that folder. "
                "Choose another place.")
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return "The PDF was not saved: that folder does not exist. Choose another place."
    if isinstance(error, IsADirectoryError):
        return "The PDF was not saved: that name is a folder. Choose another name."
    if isinstance(error, OSError):
        return ("The PDF was not saved: the disk may be full or unavailable. "
                "Choose another place.")
    log.error("Unexpected %s in the print preview", type(error).__name__)
    return "Something went wrong and the PDF was not saved. Please try again."


def render_error_message(error: Exception) -> str:
    if isinstance(error, ValidationError | StoreError):
        return str(error)
    log.error("Could not prepare a print preview (%s)", type(error).__name__)
    return "The preview could not be prepared. Please close this window and try again."


# Said after every save (SECURITY: exports leave the encrypted caseload).
NOT_ENCRYPTED = ("The PDF is not encrypted: keep it on an encrypted drive only as long as "
                 "needed, or print it and delete it.")


class PrintPreviewDialog(QDialog):
    """Shows the report's pages (scrollable, page N of M, fit width or 100 %)."""

    last_folder: str | None = None  # where this session last saved a PDF

    preview_ready = Signal()  # the report is rendered and says what it is
    page_shown = Signal(int)  # a page's image is on screen (index from 0)
    all_pages_shown = Signal()
    saved = Signal(str)  # the path written
    printed = Signal(int)  # pages sent to the printer
    failed = Signal(str)  # what to tell the worker
    passphrase_asked = Signal(object)  # B4: the passphrase prompt, once shown

    def __init__(self, store: CaseloadStore, runner: TaskRunner,
                 render: Callable[[], ReportPreview], *, reference: str,
                 recency: PassphraseRecency | None = None,
                 attempts: UnlockAttemptLog | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        # SECURITY B4: None (tests of other things) never asks; the app always passes one.
        self.recency, self.attempts = recency, attempts
        self.passphrase_prompt: PassphrasePrompt | None = None
        self._render = render
        self.preview: ReportPreview | None = None
        self._sizes: list[PageSize] = []
        self._images: dict[int, QImage] = {}
        self._closed = False
        self._printing = False
        self.print_dialog: QDialog | None = None
        self.setObjectName("print_preview_dialog")
        self.setWindowTitle(f"Print preview — {reference} — FamilyWorker")
        self.setAccessibleName("Print preview")

        self.title_label = QLabel("Preparing the preview…")
        self.title_label.setObjectName("preview_title_label")
        self.title_label.setAccessibleName("What is being printed")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title_label.setFont(font)
        self.page_label = QLabel("")
        self.page_label.setObjectName("page_label")
        self.page_label.setAccessibleName("Page number")
        self.zoom_combo = QComboBox()
        self.zoom_combo.setObjectName("zoom_combo")
        self.zoom_combo.setAccessibleName("Zoom")
        self.zoom_combo.addItem("Fit width", FIT_WIDTH)
        self.zoom_combo.addItem("100 %", ACTUAL_SIZE)
        zoom_label = QLabel("&Zoom:")
        zoom_label.setBuddy(self.zoom_combo)

        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("preview_pages")
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setSpacing(PAGE_GAP)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        self.pages_scroll = QScrollArea()
        self.pages_scroll.setObjectName("preview_scroll")
        self.pages_scroll.setAccessibleName("Preview of the pages")
        self.pages_scroll.setWidgetResizable(True)
        self.pages_scroll.setWidget(self.pages_widget)
        self.pages_scroll.setBackgroundRole(QPalette.ColorRole.Dark)

        self.message_label = QLabel("")
        self.message_label.setObjectName("message_label")
        self.message_label.setAccessibleName("Preview message")
        self.message_label.setWordWrap(True)
        self.save_button = QPushButton("&Save as PDF…")
        self.save_button.setObjectName("save_button")
        self.save_button.setAccessibleName("Save as PDF")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("print_button")
        self.print_button.setAccessibleName("Print")
        self.print_button.setToolTip("Ctrl+P")
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.close_button = QPushButton("&Close")
        self.close_button.setObjectName("close_button")
        self.close_button.setAccessibleName("Close the preview")
        self.close_button.setToolTip("Esc")
        for button in (self.save_button, self.print_button):
            button.setEnabled(False)
            button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.page_label)
        top.addWidget(zoom_label)
        top.addWidget(self.zoom_combo)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages_scroll, 1)
        layout.addLayout(bottom)
        self.resize(QSize(900, 900))

        self.zoom_combo.currentIndexChanged.connect(lambda _i: self._apply_zoom())
        self.pages_scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._update_page())
        self.save_button.clicked.connect(self.save_as_pdf)
        self.print_button.clicked.connect(self.print_pages)
        self.close_button.clicked.connect(self.reject)

    # ----- rendering -----------------------------------------------------------------------

    def start(self) -> None:
        """Render the report and its first page off the GUI thread; the rest follow."""
        self.runner.run(lambda: _render_first(self._render), self._first_ready,
                        self._render_failed)

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    def page_image(self, index: int) -> QImage | None:
        return self._images.get(index)

    def _render_failed(self, error: Exception) -> None:
        if self._closed:
            return
        message = render_error_message(error)
        self.title_label.setText("Nothing to print")
        self.message_label.setText(message)
        self.failed.emit(message)

    def _first_ready(self, result: tuple[ReportPreview, list[PageSize], QImage]) -> None:
        if self._closed:
            return
        self.preview, self._sizes, first = result
        self.title_label.setText(self.preview.description)
        self.setAccessibleDescription(self.preview.description)
        for index in range(self.page_count):
            label = QLabel(f"Preparing page {index + 1}…")
            label.setObjectName(f"page_{index + 1}_label")
            label.setAccessibleName(f"Page {index + 1} of {self.page_count}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAutoFillBackground(True)
            label.setBackgroundRole(QPalette.ColorRole.Base)
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self._update_page()
        self.preview_ready.emit()
        self._page_ready(0, first)

    def _page_ready(self, index: int, image: QImage) -> None:
        if self._closed:
            return
        self._images[index] = image
        self._show_page(index)
        self.page_shown.emit(index)
        following = index + 1
        if following < self.page_count:
            data = self.preview.data if self.preview else b""
            self.runner.run(
                lambda: image_of(render_page(data, following, dpi=PREVIEW_DPI)),
                lambda done: self._page_ready(following, done), self._render_failed)
        else:
            self.all_pages_shown.emit()

    def _target_width(self, index: int) -> int:
        if self.zoom_combo.currentData() == ACTUAL_SIZE:
            dpi = self.logicalDpiX() or 96
            return max(1, round(self._sizes[index].width / 72.0 * dpi))
        margins = self.pages_layout.contentsMargins()
        scrollbar = self.pages_scroll.verticalScrollBar().sizeHint().width()
        available = self.pages_scroll.viewport().width() - margins.left() - margins.right()
        return max(100, int(available) - scrollbar)

    def _show_page(self, index: int) -> None:
        label = self.page_labels[index]
        size = self._sizes[index]
        width = self._target_width(index)
        height = max(1, round(width * size.height / size.width))
        image = self._images.get(index)
        if image is None:
            label.setFixedSize(width, height)
            return
        pixmap = QPixmap.fromImage(image.scaled(
            width, height, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        label.setFixedSize(pixmap.size())
        label.setPixmap(pixmap)

    def _apply_zoom(self) -> None:
        for index in range(len(self.page_labels)):
            self._show_page(index)
        self._update_page()

    def _update_page(self) -> None:
        if not self.page_labels:
            self.page_label.setText("")
            return
        scroll = self.pages_scroll
        top = scroll.verticalScrollBar().value() + scroll.viewport().height() // 3
        current = 0
        for index, label in enumerate(self.page_labels):
            if label.y() <= top:
                current = index
        self.page_label.setText(f"Page {current + 1} of {self.page_count}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.page_labels and self.zoom_combo.currentData() == FIT_WIDTH:
            self._apply_zoom()

    # ----- saving --------------------------------------------------------------------------

    def suggested_path(self) -> str:
        """In the folder last saved to, else the user's Documents — never the folder the app
        happened to start in."""
        name = self.preview.file_name if self.preview else "report.pdf"
        folder = PrintPreviewDialog.last_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return str(Path(folder) / name)

    def save_as_pdf(self) -> None:
        """Ask where, then write the previewed bytes there (atomically, audited). The
        passphrase first when it was last typed more than 15 minutes ago (B4)."""
        if self.preview is None:
            return
        if self.recency is not None and self.recency.needed():
            self._ask_passphrase()
            return
        self._choose_file()

    def _ask_passphrase(self) -> None:
        store, recency, attempts = self.store, self.recency, self.attempts
        assert recency is not None
        minutes = int(recency.window.total_seconds() // 60)
        prompt = PassphrasePrompt(
            self.runner, lambda words: confirm_passphrase(store, words, recency, attempts),
            why=f"A saved PDF is not encrypted. Type your passphrase to save a copy: it was "
                f"last typed more than {minutes} minutes ago.", parent=self)
        prompt.confirmed.connect(self._choose_file)
        prompt.rejected.connect(self._export_denied)
        self.passphrase_prompt = prompt
        prompt.show()
        self.passphrase_asked.emit(prompt)

    def _export_denied(self) -> None:
        preview, store = self.preview, self.store
        if preview is None or self._closed:
            return
        self.message_label.setText("Not saved: the passphrase is needed to save a copy.")
        self.runner.run_write(lambda: record_export_denied(
            store, family_id=preview.family_id, report=preview.report.value),
            lambda _r: None, lambda _e: log.error("Could not audit a refused export"))

    def _choose_file(self) -> None:
        if self.preview is None or self._closed:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save as PDF", self.suggested_path(), "PDF documents (*.pdf)",
            options=QFileDialog.Option.DontUseNativeDialog)
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        preview, store = self.preview, self.store
        if preview is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.save_button.setEnabled(False)
        self.message_label.setText("Saving…")
        self.runner.run_write(lambda: save_preview(store, preview, path), self._saved,
                              self._save_failed)

    def _saved(self, printed: PrintedReport) -> None:
        if self._closed:
            return
        self.save_button.setEnabled(True)
        PrintPreviewDialog.last_folder = str(printed.path.parent)
        self.message_label.setText(f"Saved as {printed.path.name}. {NOT_ENCRYPTED}")
        self.saved.emit(str(printed.path))

    def _save_failed(self, error: Exception) -> None:
        if self._closed:
            return
        self.save_button.setEnabled(True)
        message = save_error_message(error)
        self.message_label.setText(message)
        self.failed.emit(message)

    # ----- printing ------------------------------------------------------------------------

    def print_pages(self) -> None:
        """Print…: the printer dialog, then the previewed pages at the printer's resolution.
        Without Qt's print support, save the PDF and print it from the PDF viewer."""
        if self.preview is None or self._printing:
            return
        if not HAVE_PRINT_SUPPORT:  # pragma: no cover - every supported wheel has it
            self.message_label.setText("Printing from here is not available: save as a PDF "
                                       "and print it from your PDF viewer.")
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_path().removesuffix(".pdf"))
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("print_dialog")
        dialog.setWindowTitle("Print")
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setMinMax(1, self.page_count)
        dialog.accepted.connect(lambda: self.send_to_printer(printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.print_dialog = dialog
        dialog.show()

    def send_to_printer(self, printer: "QPrinter") -> None:
        """Paint each page on the printer, one at a time (rasterised off the GUI thread)."""
        preview = self.preview
        if preview is None or self._closed:
            return
        first, last = 1, self.page_count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        dpi = float(min(printer.resolution(), MAX_PRINT_DPI))
        painter = QPainter()
        if not painter.begin(printer):
            self.message_label.setText("The printer could not be started. Check it is on "
                                       "and connected, then try again.")
            return
        self._printing = True
        self.print_button.setEnabled(False)
        self.message_label.setText("Sending to the printer…")
        pages = list(range(first - 1, last))
        data = preview.data

        def next_page(position: int) -> None:
            index = pages[position]
            self.runner.run(lambda: image_of(render_page(data, index, dpi=dpi)),
                            lambda image: paint(position, image), failed)

        def paint(position: int, image: QImage) -> None:
            if position:
                printer.newPage()
            # The printer scales the page's pixels into the paper (never a huge copy here).
            target = painter.viewport()
            fitted = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), fitted), image)
            if position + 1 < len(pages):
                next_page(position + 1)
            else:
                painter.end()
                store = self.store
                self.runner.run_write(lambda: record_preview_printed(store, preview),
                                      lambda _digest: finished(len(pages)), failed)

        def finished(count: int) -> None:
            self._printing = False
            if self._closed:
                return
            self.print_button.setEnabled(True)
            self.message_label.setText(
                f"Sent {count} page{'s' if count != 1 else ''} to the printer.")
            self.printed.emit(count)

        def failed(error: Exception) -> None:
            if painter.isActive():
                painter.end()
            self._printing = False
            log.error("Printing a report failed (%s)", type(error).__name__)
            if self._closed:
                return
            self.print_button.setEnabled(True)
            message = "Printing did not finish. Check the printer, then try again."
            self.message_label.setText(message)
            self.failed.emit(message)

        next_page(0)

    # ----- closing -------------------------------------------------------------------------

    def wipe(self) -> None:
        """Drop the report and its pages from memory and from the screen."""
        self._closed = True
        self.preview = None
        self._images.clear()
        for label in self.page_labels:
            label.clear()
        self.title_label.clear()
        if self.print_dialog is not None:
            self.print_dialog.reject()

    def done(self, result: int) -> None:  # Close, Esc and the window's close button
        self.wipe()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.wipe()
        super().closeEvent(event)
