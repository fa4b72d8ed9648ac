; Inno Setup 6.3+ script: installs the PyInstaller one-folder build (dist\jukiaudit\) for the current user.
; Build it on Windows after `python installer\build.py --smoke`:  "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\jukiaudit.iss
; Output: dist\JukiAuditDesktop-<version>-setup.exe. Step by step: installer\README.md.

#define AppName "JukiAudit Desktop"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root ".."

[Setup]
; A fixed AppId: upgrades replace the same installation.
AppId={{6F2C1B0E-7D4A-4C55-9A3E-2B8E1D7C4F10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=JukiAudit Desktop
; Per user, no administrator rights: %LOCALAPPDATA%\Programs\JukiAudit Desktop
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; The licence page: the app's, the IPAex font's, Qt's LGPL notice and every bundled wheel's licence,
; collected by installer\build.py (UTF-8 with a byte-order mark, which Inno Setup shows as Unicode).
LicenseFile={#Root}\build\licenses\LICENSE-ALL.txt
OutputDir={#Root}\dist
OutputBaseFilename=JukiAuditDesktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\JukiAuditDesktop.exe
WizardStyle=modern

[Languages]
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Files]
; The whole one-folder build. The user's database is not here: it lives in %LOCALAPPDATA%\JukiAudit.
Source: "{#Root}\dist\jukiaudit\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\JukiAuditDesktop.exe"
Name: "{group}\{#AppName} をアンインストール"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\JukiAuditDesktop.exe"; Description: "{#AppName} を起動する"; Flags: nowait postinstall skipifsilent

; Uninstalling removes only what was installed under {app}. The encrypted database, its backups and the
; settings in %LOCALAPPDATA%\JukiAudit are kept (no [UninstallDelete] entry touches them), and so is the key
; in the Windows Credential Manager.
[Messages]
japanese.UninstalledAll=%1 をアンインストールしました。%n%n監査データ(ユーザーのデータフォルダ AppData\Local\JukiAudit の暗号化データベースとバックアップ)は残してあります。不要になったときは、手で削除してください。
