; Per-machine Windows installer for FamilyWorker (Inno Setup 6), made from the PyInstaller
; bundle in dist\FamilyWorker by .github/workflows/build.yml:
;     iscc /DAppVersion=0.1.0 packaging\windows\familyworker.iss
; Output: dist\FamilyWorker-<version>-windows-x64-setup.exe. Not built or run on Linux.
;
; Silent deployment (Intune, Configuration Manager, a start-up script). Inno Setup's silent
; switches are /VERYSILENT /SUPPRESSMSGBOXES, not msiexec's /quiet:
;     FamilyWorker-0.1.0-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;         [/SERVERURL=https://familyworker.example.gov.uk] [/SYNCMINUTES=10] [/LOG=C:\fw.log]
; /SERVERURL and /SYNCMINUTES write %ProgramData%\FamilyWorker\organisation.json (the app's
; organisation settings; IT may also place that file itself). Silent uninstall:
;     "%ProgramFiles%\FamilyWorker\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES
; Uninstalling keeps organisation.json and every worker's caseload (%LOCALAPPDATA%\FamilyWorker).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppUserModelId "org.familyworker.FamilyWorker"
#define Root "..\.."

[Setup]
; Never change AppId: Windows knows an installed FamilyWorker (upgrades, uninstall) by it.
AppId={{97176204-C3F5-4DC6-AD4F-83EB65349A88}
AppName=FamilyWorker
AppVersion={#AppVersion}
AppPublisher=The FamilyWorker project
DefaultDirName={autopf}\FamilyWorker
DisableDirPage=yes
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#Root}\dist
OutputBaseFilename=FamilyWorker-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\resources\icons\familyworker.ico
UninstallDisplayIcon={app}\familyworker.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An upgrade closes a running FamilyWorker (it locks on close; nothing typed is lost).
CloseApplications=yes

[Files]
Source: "{#Root}\dist\FamilyWorker\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle whole: no module of an older version is left to be loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\FamilyWorker"; Filename: "{app}\familyworker.exe"; AppUserModelID: "{#AppUserModelId}"

[Code]
const
  SettingsFolder = '{commonappdata}\FamilyWorker';

{ The organisation settings given on the command line, checked before anything is installed:
  a wrong value stops setup (exit code 1) instead of installing a machine that cannot sync. }
function SettingsProblem(ServerUrl, Minutes: String): String;
begin
  Result := '';
  if (ServerUrl <> '') and ((Pos('https://', Lowercase(ServerUrl)) <> 1)
      or (Pos('"', ServerUrl) > 0) or (Pos('\', ServerUrl) > 0)) then
    Result := '/SERVERURL must be the server''s https address.'
  else if (Minutes <> '') and ((StrToIntDef(Minutes, 0) < 1) or (StrToIntDef(Minutes, 0) > 1440)) then
    Result := '/SYNCMINUTES must be a whole number of minutes from 1 to 1440.';
end;

function InitializeSetup: Boolean;
var
  Problem: String;
begin
  Problem := SettingsProblem(ExpandConstant('{param:SERVERURL|}'),
                             ExpandConstant('{param:SYNCMINUTES|}'));
  Result := Problem = '';
  if not Result then
  begin
    Log(Problem);
    SuppressibleMsgBox(Problem, mbError, MB_OK, IDOK);
  end;
end;

procedure WriteOrganisationSettings;
var
  ServerUrl, Minutes, Json: String;
begin
  ServerUrl := ExpandConstant('{param:SERVERURL|}');
  Minutes := ExpandConstant('{param:SYNCMINUTES|}');
  if (ServerUrl = '') and (Minutes = '') then
    Exit;  { keep whatever organisation.json IT placed, if any }
  Json := '{';
  if ServerUrl <> '' then
    Json := Json + '"server_url": "' + ServerUrl + '"';
  if Minutes <> '' then
  begin
    if ServerUrl <> '' then
      Json := Json + ', ';
    Json := Json + '"sync_interval_minutes": ' + IntToStr(StrToIntDef(Minutes, 0));
  end;
  Json := Json + '}' + #13#10;
  ForceDirectories(ExpandConstant(SettingsFolder));
  if not SaveStringToFile(ExpandConstant(SettingsFolder + '\organisation.json'), Json, False) then
    Log('Could not write organisation.json in ' + ExpandConstant(SettingsFolder));
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    WriteOrganisationSettings;
end;
