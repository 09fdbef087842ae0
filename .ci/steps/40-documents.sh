#!/usr/bin/env bash
# Documents opened by a real word processor: LibreOffice (with the Liberation fonts, metric twins
# of Times New Roman and Arial) converts generated DOCX to PDF — 1,000 labels, a bid, the
# schedule — and the test reads pages, word positions and QR codes back.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
need=()
command -v libreoffice >/dev/null || need+=(libreoffice-writer)
command -v pdftotext >/dev/null || need+=(poppler-utils)
fc-list | grep -qi 'Liberation Serif' || need+=(fonts-liberation)
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
REQUIRE_LIBREOFFICE=1 npx vitest run functions/documents.libreoffice.test.ts
