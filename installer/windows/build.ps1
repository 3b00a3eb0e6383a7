# Builds dist\voek-desktop (PyInstaller) and dist\voek-desktop-<version>-setup.exe (Inno Setup 6).
# Run from any folder in PowerShell:  powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
$ErrorActionPreference = "Stop"
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root
$version = (Select-String -Path pyproject.toml -Pattern '^version = "(.+)"').Matches[0].Groups[1].Value
if (-not (Test-Path build\venv)) { py -3.11 -m venv build\venv }
build\venv\Scripts\python -m pip install --upgrade pip
build\venv\Scripts\python -m pip install . "pyinstaller>=6.5"
build\venv\Scripts\pyinstaller --noconfirm --clean --workpath build\pyinstaller --distpath dist installer\voek_desktop.spec
$iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (-not (Test-Path $iscc)) { throw "Установите Inno Setup 6 (https://jrsoftware.org/isinfo.php)" }
& $iscc "/DAppVersion=$version" installer\windows\voek_desktop.iss
