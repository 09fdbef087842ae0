<#
  Builds the Windows installer of the Deltica desktop client on a Windows build host
  (Windows 10/11 or Server 2019+, Node.js 24 LTS, Git) and copies it to a network share.

    powershell -ExecutionPolicy Bypass -File deploy\build-electron.ps1 `
      -ApiUrl http://192.168.1.100:8000 -Share \\fileserver\soft\Deltica

  Steps: write desktop\.env.production (VITE_API_URL) → npm ci at the repository root (npm
  workspaces: one install covers desktop\) → build (renderer + main) →
  electron-builder NSIS x64 → copy Deltica-Setup-<version>.exe (+ .blockmap) and a SHA-256 file
  to the share → with -Publish, publish it on the server (deploy\publish-release.mjs) so that the
  clients update themselves; the admin password comes from $env:DELTICA_ADMIN_PASSWORD.
  Stops at the first failing step.
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)][string]$ApiUrl,
  [string]$Share = '',
  [switch]$SkipInstall,
  [switch]$Publish,
  [string]$PublishUser = 'admin'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Step([string]$Text) { Write-Host "==> $Text" -ForegroundColor Cyan }
function Run([string]$Exe, [string[]]$Arguments) {
  & $Exe @Arguments
  if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') завершился с кодом $LASTEXITCODE" }
}

if ($ApiUrl -notmatch '^https?://[^/\s]+(:\d+)?/?$') {
  throw "ApiUrl должен выглядеть как http://192.168.1.100:8000 или https://deltica.local:8000"
}

$root = Split-Path -Parent $PSScriptRoot
$desktop = Join-Path $root 'desktop'
if (-not (Test-Path (Join-Path $desktop 'package.json'))) { throw "Не найден $desktop\package.json" }

Step "Node.js: $(node --version)"
$major = [int]((node --version).TrimStart('v').Split('.')[0])
if ($major -lt 20) { throw 'Нужен Node.js 20 или новее' }

Step "Адрес сервера: $ApiUrl"
Set-Content -Path (Join-Path $desktop '.env.production') -Value "VITE_API_URL=$($ApiUrl.TrimEnd('/'))" -Encoding UTF8

Push-Location $desktop
try {
  if (-not $SkipInstall) {
    # npm workspaces: the one lock file and the install are at the repository root
    Step 'Зависимости (npm ci в корне репозитория)'
    Push-Location $root
    try { Run 'npm' @('ci', '--no-audit', '--no-fund') } finally { Pop-Location }
  }
  Step 'Сборка и установщик (npm run dist)'
  Run 'npm' @('run', 'dist')

  $version = (Get-Content 'package.json' -Raw | ConvertFrom-Json).version
  $installer = Get-ChildItem -Path 'dist-electron' -Filter "Deltica-Setup-$version*.exe" | Select-Object -First 1
  if (-not $installer) { throw "Установщик Deltica-Setup-$version.exe не найден в dist-electron" }
  $hash = (Get-FileHash -Algorithm SHA256 $installer.FullName).Hash.ToLower()
  Step "Готово: $($installer.Name), $([math]::Round($installer.Length / 1MB)) МБ, SHA-256 $hash"

  if ($Share) {
    Step "Копирование в $Share"
    if (-not (Test-Path $Share)) { New-Item -ItemType Directory -Path $Share | Out-Null }
    Copy-Item $installer.FullName -Destination $Share -Force
    $blockmap = "$($installer.FullName).blockmap"
    if (Test-Path $blockmap) { Copy-Item $blockmap -Destination $Share -Force }
    Set-Content -Path (Join-Path $Share "$($installer.Name).sha256") -Value "$hash  $($installer.Name)" -Encoding ASCII
    $copied = Get-FileHash -Algorithm SHA256 (Join-Path $Share $installer.Name)
    if ($copied.Hash.ToLower() -ne $hash) { throw 'Копия на общем ресурсе отличается от собранного файла' }
    Step "Скопировано и проверено: $(Join-Path $Share $installer.Name)"
  }

  if ($Publish) {
    Step "Публикация на сервере $ApiUrl (клиенты обновятся сами)"
    if (-not $env:DELTICA_ADMIN_PASSWORD) {
      throw 'Для -Publish задайте пароль администратора в переменной окружения DELTICA_ADMIN_PASSWORD'
    }
    Run 'node' @((Join-Path $root 'deploy\publish-release.mjs'), '--server', $ApiUrl.TrimEnd('/'),
      '--user', $PublishUser, $installer.FullName)
  }
}
finally {
  Pop-Location
}
