"""The app's look: one style sheet, brand colours of АО «ВОЭК»."""

BRAND = "#0b4f8a"
BRAND_DARK = "#083a66"
ERROR = "#b3261e"

# A focus ring is as wide as the button's border plus the padding it takes from: the button keeps
# its size and its text is not cut when it gets the focus (issue 12 "Fit").
STYLE_SHEET = f"""
QLabel#fieldError, QLabel#formError {{ color: {ERROR}; }}
QLabel#fieldHint {{ color: #5f6368; }}
QLineEdit {{ border: 1px solid #aab4be; border-radius: 3px; padding: 4px 6px;
    min-height: 20px; background: palette(base); }}
QLineEdit:focus {{ border: 1px solid {BRAND}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; }}
QLabel#title {{ font-size: 20pt; font-weight: 600; color: {BRAND}; }}
QLabel#subtitle {{ font-size: 11pt; color: #3c4043; }}
QLabel#sectionTitle {{ font-size: 15pt; font-weight: 600; color: {BRAND}; }}
QFrame#card {{ background: palette(base); border: 1px solid #d0d7de; border-radius: 8px; }}
QFrame#demoBox {{ background: #fff8e1; border: 1px solid #f0c36d; border-radius: 6px; }}
QFrame#header {{ background: {BRAND}; }}
QFrame#header QLabel {{ color: white; }}
QFrame#header QPushButton {{ color: white; background: transparent; border: 1px solid white;
    border-radius: 4px; padding: 4px 14px; }}
QFrame#header QPushButton:hover {{ background: {BRAND_DARK}; }}
QFrame#header QPushButton:focus {{ border: 2px solid #ffd54f; padding: 3px 13px; }}
QPushButton#primary:focus {{ border: 2px solid #ffd54f; padding: 5px 20px; }}
QPushButton#segment:focus {{ border: 2px solid #ffd54f; padding: 5px 11px; }}
QPushButton#primary {{ background: {BRAND}; color: white; border: none; border-radius: 4px;
    padding: 7px 22px; font-weight: 600; }}
QPushButton#primary:hover {{ background: {BRAND_DARK}; }}
QPushButton#primary:disabled {{ background: #9aa9b8; }}
QPushButton#link {{ border: none; color: {BRAND}; text-decoration: underline; padding: 2px; }}
QPushButton#link:focus {{ border: 1px dotted {BRAND}; padding: 1px; }}
QPushButton#segment {{ padding: 6px 12px; border: 1px solid {BRAND}; color: {BRAND};
    background: palette(base); }}
QPushButton#segment:checked {{ background: {BRAND}; color: white; }}
QListWidget#nav {{ border: none; background: #eef3f8; font-size: 11pt; }}
QListWidget#nav::item {{ padding: 10px 14px; }}
QListWidget#nav::item:selected {{ background: {BRAND}; color: white; }}
"""
