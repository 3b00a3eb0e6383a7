"""The desk scanner through SANE, against SANE's own ``test`` device (a real libsane backend)."""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader

from tests.sane_device import require_sane
from voek_desktop.domain import uploads
from voek_desktop.scanning import compact
from voek_desktop.scanning import device as scanning
from voek_desktop.scanning import pages as scan_pages


@pytest.fixture
def backend() -> scanning.Backend:
    require_sane()
    return scanning.backend()


def test_lists_the_test_device_with_its_feeder_and_resolutions(backend) -> None:
    devices = backend.devices()
    assert "test:0" in [d.name for d in devices]
    caps = backend.capabilities(next(d for d in devices if d.name == "test:0"))
    assert caps.resolutions == (150, 200, 300)
    assert caps.colour and caps.feeder


def test_a_flatbed_page_in_grey_at_its_resolution(backend) -> None:
    device = scanning.Device("test:0", "test")
    pages: list[int] = []
    images = backend.scan(
        device, scanning.ScanSettings(resolution=150), scanning.Progress(page=pages.append)
    )
    assert pages == [1] and len(images) == 1
    # The test device's page is 80 × 100 mm: 472 × 590 pixels at 150 dpi.
    assert images[0].size == (472, 590) and images[0].mode == "L"


def test_the_feeder_gives_every_sheet_and_one_checked_pdf(backend, tmp_path) -> None:
    device = scanning.Device("test:0", "test")
    settings = scanning.ScanSettings(resolution=200, colour=True, feeder=True)
    images = backend.scan(device, settings, scanning.Progress())
    assert len(images) == 10  # the test device's feeder holds 10 sheets
    assert images[0].mode == "RGB"
    pdf = compact.pdf_bytes(scan_pages.pages_from_images(images, 200))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 10
    # Printed at its real size: the test device's page is 80 mm wide (226.8 pt).
    assert float(reader.pages[0].mediabox.width) == pytest.approx(80 / 25.4 * 72, abs=2)
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    assert uploads.check_file(path) == "application/pdf"
    uploads.check_structure(path, "application/pdf")  # what the server will ask of it


def test_after_a_scan_a_broken_pipe_is_an_error_not_the_end_of_the_app(backend) -> None:
    """libsane puts SIGPIPE back to its default when a scan starts; a write to a closed socket
    then killed the process (the whole test run died in the next upload test)."""
    import os

    done: list[BaseException | None] = []

    def scan_then_write() -> None:  # on a worker, as the dialog does
        backend.scan(
            scanning.Device("test:0", "test"), scanning.ScanSettings(150), scanning.Progress()
        )
        read, write = os.pipe()
        os.close(read)
        try:
            os.write(write, b"x")
            done.append(None)
        except BrokenPipeError as exc:
            done.append(exc)
        finally:
            os.close(write)

    worker = threading.Thread(target=scan_then_write)
    worker.start()
    worker.join(60)
    assert done and isinstance(done[0], BrokenPipeError)


def test_stop_ends_a_running_scan(backend) -> None:
    device = scanning.Device("test:0", "test")
    stop = threading.Event()
    progress = scanning.Progress(page=lambda n: stop.set(), cancelled=stop.is_set)
    with pytest.raises(scanning.ScanCancelled):
        backend.scan(device, scanning.ScanSettings(resolution=150, feeder=True), progress)


def test_a_device_that_is_gone_is_a_russian_message(backend) -> None:
    with pytest.raises(scanning.ScannerError, match="Не удалось открыть сканер «нет»"):
        backend.scan(
            scanning.Device("test:99", "нет"), scanning.ScanSettings(), scanning.Progress()
        )


def test_without_python_sane_the_message_points_to_the_scanner_folder(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_sane(name, *args, **kwargs):
        if name == "sane":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sane)
    monkeypatch.setattr(scanning.sys, "platform", "linux")
    with pytest.raises(scanning.ScannerError, match="папку сканера"):
        scanning.backend()
