"""Scans that file themselves (issue 17), without Qt so it is tested without a screen.

- :mod:`.pages` reads scanned files into pages: PDF pages rasterised by PDFium, images by
  Pillow; each page's service QR code read by zxing-cpp, the page turned upright by it,
  blank pages found, and kept as compact JPEG;
- :mod:`.filing` puts the pages into document slots by their codes and the separator sheets,
  with the Russian warnings (an older print of the form, another application, a missing page);
- :mod:`.compact` writes a slot's pages as one small PDF;
- :mod:`.device` is the desk scanner itself: SANE on Linux, WIA on Windows, one interface.

The entry point for any source of pages — picked files, the scanner's folder, a direct scan
(:mod:`.device`) — is :func:`.filing.file_pages` with a list of :class:`.pages.Page`
(:func:`.pages.pages_from_images` for images a scanner driver hands over). Everything here
is slow: call it off the GUI thread.
"""
