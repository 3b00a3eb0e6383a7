; Inno Setup script: a Windows installer for the PyInstaller bundle in dist\voek-desktop.
; Build on Windows: installer\windows\build.ps1 (runs PyInstaller, then ISCC on this file).
#define AppName "Личный кабинет АО «ВОЭК»"
#define AppExe "voek-desktop.exe"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C7F5B-4C0B-4F39-9D1F-6A0F8C9B7E21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=АО «ВОЭК»
AppPublisherURL=https://voek33.ru
DefaultDirName={autopf}\VOEK Desktop
DefaultGroupName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
OutputDir=..\..\dist
OutputBaseFilename=voek-desktop-{#AppVersion}-setup
SetupIconFile=..\..\voek_desktop\resources\icons\voek.ico
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesInstallIn64BitMode=x64compatible
ShowLanguageDialog=no

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "Создать значок на рабочем столе"; GroupDescription: "Дополнительные значки:"

[Files]
Source: "..\..\dist\voek-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} — демонстрация"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{group}\Удалить {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "Запустить {#AppName}"; Flags: nowait postinstall skipifsilent
