#!/usr/bin/env bash
# System packages the tests need that a fresh machine of this kind lacks: Debian's Chromium, which the
# Web UI and report tests drive through playwright-core (no browser is ever downloaded), and
# LibreOffice Calc without a GUI, which converts old .xls inputs (the conversion tests); pdflatex
# (texlive-latex-base) and booktabs (texlive-latex-recommended), which compile the published LaTeX
# tables; psql, which runs the README's SQL as pasted.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
command -v pdflatex >/dev/null || missing+=(texlive-latex-base)
{ command -v kpsewhich >/dev/null && kpsewhich booktabs.sty >/dev/null; } || missing+=(texlive-latex-recommended)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the tests (once per machine)…" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need Debian's ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
