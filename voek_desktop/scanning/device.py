"""The desk scanner from the app (issue «Scans that file themselves», item 4).

One interface, ``Backend``, with two implementations: SANE on Linux (``python-sane``; CI runs
it against SANE's own ``test`` device, so the path is exercised for real) and WIA on Windows
(``pywin32``; written to the same interface and untested here, README "Scanning"). Where
neither works, ``backend()`` says why in Russian and the watched scanner folder stays the way
in. No Qt here: the dialog (``ui/applications/scan_dialog.py``) runs ``scan()`` on a worker of
``ui/kit/tasks.py`` (``run_long``), with its progress and cancel.

Pages come back as Pillow images with the resolution they were scanned at; the app reads their
codes and files them like any other scan (``scanning.pages.pages_from_images``, then
``scanning.filing.file_pages``) and uploads them as compact PDFs (``scanning.compact``).
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from voek_desktop.api.errors import TransferCancelled

if TYPE_CHECKING:
    from PIL.Image import Image

RESOLUTIONS = (150, 200, 300)  # readable forms at a size the upload limit allows
DEFAULT_RESOLUTION = 200
MAX_PAGES = 100  # a feeder that never reports "empty" stops here
MAX_PAGE_PIXELS = 40_000_000  # the bound of domain/uploads.py, for what a device hands us


class ScannerError(OSError):
    """A device's failure, with a message for the user (Russian); an OSError, as any other
    I/O that fails, so the task runner hands it to the screen instead of the crash dialog."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScanCancelled(TransferCancelled):
    """«Остановить» was pressed: the device was told to cancel."""


@dataclass(frozen=True)
class Device:
    name: str  # the backend's id, e.g. "test:0" or a WIA DeviceID
    label: str  # what the user sees: vendor, model


@dataclass(frozen=True)
class Capabilities:
    resolutions: tuple[int, ...] = RESOLUTIONS
    colour: bool = True
    feeder: bool = False  # an automatic document feeder (several pages at once)


@dataclass(frozen=True)
class ScanSettings:
    resolution: int = DEFAULT_RESOLUTION
    colour: bool = False
    feeder: bool = False


@dataclass
class Progress:
    """Passed to ``scan``: ``page(n)`` after each page; ``cancelled()`` is polled between reads."""

    page: Callable[[int], None] = lambda n: None
    cancelled: Callable[[], bool] = lambda: False


class Backend(Protocol):
    name: str

    def devices(self) -> list[Device]: ...

    def capabilities(self, device: Device) -> Capabilities: ...

    def scan(self, device: Device, settings: ScanSettings, progress: Progress) -> list[Image]: ...


# --------------------------------------------------------------------------------------- SANE

_sane_lock = threading.Lock()  # libsane is not thread-safe; one scan at a time per process
_sane_ready = False


def _sane() -> Any:
    global _sane_ready
    try:
        import sane
    except ImportError:
        raise ScannerError(
            "Поддержка сканеров (SANE) не установлена: установите пакет python-sane"
            " или сохраняйте сканы в папку сканера."
        ) from None
    if not _sane_ready:
        try:
            sane.init()
        except Exception as exc:
            raise ScannerError(f"Не удалось запустить SANE: {exc}") from None
        _sane_ready = True
    return sane


class SaneBackend:
    name = "SANE"

    def __init__(self, extra_options: dict[str, object] | None = None) -> None:
        # Device-specific options set after ours (the tests slow SANE's test device down).
        self.extra_options = dict(extra_options or {})

    def devices(self) -> list[Device]:
        with _sane_lock:
            sane = _sane()
            try:
                found = sane.get_devices()
            except Exception as exc:
                raise ScannerError(f"Не удалось получить список сканеров: {exc}") from None
        return [
            Device(str(name), " ".join(str(p) for p in (vendor, model) if p) or str(name))
            for name, vendor, model, _kind in found
        ]

    def capabilities(self, device: Device) -> Capabilities:
        with _sane_lock, self._open(device) as dev:
            options = {o[1]: o for o in dev.get_options() if o[1]}
        resolutions: tuple[int, ...] = RESOLUTIONS
        constraint = options.get("resolution", (None,) * 9)[8]
        if isinstance(constraint, tuple) and len(constraint) == 3:
            low, high, _step = constraint
            resolutions = tuple(r for r in RESOLUTIONS if low <= r <= high) or RESOLUTIONS
        elif isinstance(constraint, list):
            resolutions = tuple(r for r in RESOLUTIONS if r in constraint) or RESOLUTIONS
        modes = options.get("mode", (None,) * 9)[8] or []
        sources = options.get("source", (None,) * 9)[8] or []
        return Capabilities(
            resolutions,
            colour=any(str(m).lower() == "color" for m in modes),
            feeder=any(_is_feeder(str(s)) for s in sources),
        )

    def scan(self, device: Device, settings: ScanSettings, progress: Progress) -> list[Image]:
        with _sane_lock, self._open(device) as dev:
            options = {o[1]: o for o in dev.get_options() if o[1]}
            _set(dev, "mode", "Color" if settings.colour else "Gray")
            _set(dev, "resolution", settings.resolution)
            if "source" in options:
                sources = [str(s) for s in options["source"][8] or []]
                wanted = next((s for s in sources if _is_feeder(s) == settings.feeder), None)
                if wanted:
                    _set(dev, "source", wanted)
            for option, value in self.extra_options.items():
                _set(dev, option, value)
            pages: list[Image] = []
            cancel = threading.Event()

            def watch() -> None:  # sane_cancel() is the one call allowed from another thread
                while not cancel.wait(0.1):
                    if progress.cancelled():
                        dev.cancel()
                        return

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                for image in _frames(dev, settings.feeder):
                    if progress.cancelled():
                        raise ScanCancelled
                    if image.width * image.height > MAX_PAGE_PIXELS:
                        raise ScannerError("Сканер вернул слишком большую страницу.")
                    pages.append(image)
                    progress.page(len(pages))
                    if len(pages) >= MAX_PAGES:
                        break
            except ScanCancelled:
                raise
            except Exception as exc:
                if progress.cancelled():
                    raise ScanCancelled from None
                raise ScannerError(_sane_message(exc)) from None
            finally:
                cancel.set()
        if not pages:
            raise ScannerError("В податчике нет листов." if settings.feeder else "Нет страниц.")
        return pages

    @staticmethod
    def _open(device: Device) -> Any:
        sane = _sane()
        try:
            return _Closing(sane.open(device.name))
        except Exception as exc:
            raise ScannerError(f"Не удалось открыть сканер «{device.label}»: {exc}") from None


def _ignore_sigpipe_again() -> None:
    """libsane's reader (sanei_thread, used by the test backend and many real ones) puts
    SIGPIPE back to its default on sane_start: the next write to a socket the server closed
    would then kill the whole app instead of raising BrokenPipeError. Python ignores SIGPIPE
    and ``signal.signal`` works only on the main thread, so restore it through libc, which
    any thread may call (the scan runs on a worker)."""
    import ctypes
    import signal as signals

    libc = ctypes.CDLL(None)
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.signal(int(signals.SIGPIPE), ctypes.c_void_p(1))  # SIG_IGN


class _Closing:
    def __init__(self, dev: Any) -> None:
        self.dev = dev

    def __enter__(self) -> Any:
        return self.dev

    def __exit__(self, *exc: object) -> None:
        try:
            self.dev.close()
        finally:
            _ignore_sigpipe_again()


def _is_feeder(source: str) -> bool:
    s = source.lower()
    return "feeder" in s or "adf" in s or "duplex" in s


def _set(dev: Any, option: str, value: object) -> None:
    # A device without the option scans with its own default.
    with contextlib.suppress(AttributeError, TypeError, ValueError):
        setattr(dev, option.replace("-", "_"), value)


def _frames(dev: Any, feeder: bool) -> Iterator[Image]:
    if not feeder:
        yield dev.scan()
        return
    iterator = dev.multi_scan()
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return


def _sane_message(exc: BaseException) -> str:
    text = str(exc)
    known = {
        "Document feeder out of documents": "В податчике закончились листы.",
        "Document feeder jammed": "Лист застрял в податчике.",
        "Scanner cover is open": "Крышка сканера открыта.",
        "Device busy": "Сканер занят другой программой.",
        "Error during device I/O": "Ошибка связи со сканером.",
    }
    for english, russian in known.items():
        if english.lower() in text.lower():
            return russian
    return f"Сканер сообщил об ошибке: {text}"


# ---------------------------------------------------------------------------------------- WIA


class WiaBackend:  # pragma: no cover — Windows only, untested here (README "Scanning")
    """Windows Image Acquisition through pywin32's COM bridge, to the same interface."""

    name = "WIA"
    _FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"

    def _manager(self) -> Any:
        try:
            import win32com.client
        except ImportError:
            raise ScannerError("Поддержка сканеров (WIA) не установлена: пакет pywin32.") from None
        return win32com.client.Dispatch("WIA.DeviceManager")

    def devices(self) -> list[Device]:
        infos = self._manager().DeviceInfos
        out = []
        for i in range(1, infos.Count + 1):
            info = infos.Item(i)
            if info.Type == 1:  # ScannerDeviceType
                out.append(Device(str(info.DeviceID), str(info.Properties("Name").Value)))
        return out

    def capabilities(self, device: Device) -> Capabilities:
        return Capabilities(RESOLUTIONS, colour=True, feeder=True)

    def scan(self, device: Device, settings: ScanSettings, progress: Progress) -> list[Image]:
        from PIL import Image as PILImage

        infos = self._manager().DeviceInfos
        info = next(
            infos.Item(i)
            for i in range(1, infos.Count + 1)
            if str(infos.Item(i).DeviceID) == device.name
        )
        dev = info.Connect()
        if settings.feeder:
            dev.Properties("3088").Value = 1  # WIA_DPS_DOCUMENT_HANDLING_SELECT: FEEDER
        item = dev.Items(1)
        for prop, value in (
            ("6147", settings.resolution),  # horizontal resolution
            ("6148", settings.resolution),  # vertical resolution
            ("6146", 1 if settings.colour else 2),  # current intent: colour / greyscale
        ):
            with contextlib.suppress(Exception):
                item.Properties(prop).Value = value
        pages: list[Image] = []
        while len(pages) < MAX_PAGES and not progress.cancelled():
            try:
                picture = item.Transfer(self._FORMAT_PNG)
            except Exception as exc:
                if pages and settings.feeder:
                    break  # WIA_ERROR_PAPER_EMPTY after the last sheet
                raise ScannerError(f"Сканер сообщил об ошибке: {exc}") from None
            data = bytes(picture.FileData.BinaryData)
            pages.append(PILImage.open(io.BytesIO(data)).copy())
            progress.page(len(pages))
            if not settings.feeder:
                break
        if progress.cancelled():
            raise ScanCancelled
        return pages


# ----------------------------------------------------------------------------------- choosing


def backend() -> Backend:
    """The platform's scanner interface, or ``ScannerError`` saying why there is none."""
    if sys.platform.startswith("win"):
        return WiaBackend()
    if sys.platform.startswith("linux") or sys.platform.startswith("freebsd"):
        _sane_available()
        return SaneBackend()
    raise ScannerError("Сканирование из программы на этой системе не поддерживается.")


def _sane_available() -> None:
    try:
        import sane  # noqa: F401
    except ImportError:
        raise ScannerError(
            "Поддержка сканеров (SANE) не установлена: установите пакет python-sane"
            " или сохраняйте сканы в папку сканера."
        ) from None
