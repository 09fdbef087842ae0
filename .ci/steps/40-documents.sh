#!/usr/bin/env bash
# Documents opened by a real word processor: LibreOffice (with the Liberation fonts, metric twins
# of Times New Roman and Arial) converts generated DOCX to PDF — 1,000 labels, a bid, the
# schedule — and functions/documents.libreoffice.test.ts reads pages, word positions and QR codes
# back; functions/documents.match.test.ts checks every flow document's table headers and blank
# requisites in the converted PDF. npm test runs it when LibreOffice is installed; otherwise this step installs LibreOffice
# and runs it here, required (never skipped).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
if command -v libreoffice >/dev/null && fc-list | grep -qi 'Liberation Serif'; then
  echo "LibreOffice was installed before npm test: the DOCX check already ran there"
  exit 0
fi
need=()
command -v libreoffice >/dev/null || need+=(libreoffice-writer)
command -v pdftotext >/dev/null || need+=(poppler-utils)
fc-list | grep -qi 'Liberation Serif' || need+=(fonts-liberation)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
REQUIRE_LIBREOFFICE=1 npx vitest run functions/documents.libreoffice.test.ts functions/documents.match.test.ts
