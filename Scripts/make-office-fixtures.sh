#!/usr/bin/env bash
# Regenerates the spreadsheets in Tests/MinshengCoreTests/Fixtures/Office: files saved by a real
# office program (LibreOffice Calc, Debian's libreoffice-calc) from our CSV files and from our
# own XLSX templates, for the import tests. The tests read the committed files, so CI needs no
# office suite; run this again when the templates or demo files change.
#   Scripts/make-office-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/Tests/MinshengCoreTests/Fixtures/Office"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v soffice >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libreoffice-calc >/dev/null
fi
# CSV import: comma, double quote, UTF-8 (76), from line 1; language zh-CN (2052); quoted fields
# not forced to text; "detect special numbers" on or off.
plain="CSV:44,34,76,1,,2052,false,false"
special="CSV:44,34,76,1,,2052,false,true"
convert() { # $1 filter, $2 input, $3 output name
  mkdir -p "$work/o"
  soffice --headless -env:UserInstallation="file://$work/profile" --infilter="$1" --convert-to xlsx --outdir "$work/o" "$2" >/dev/null 2>&1
  mv "$work/o/$(basename "${2%.*}").xlsx" "$out/$3"
}
resave() { # $1 input .xlsx, $2 output name: opened and saved again as Calc's Excel 2007-365
  mkdir -p "$work/r"
  cp "$1" "$work/r/in.xlsx"
  soffice --headless -env:UserInstallation="file://$work/profile" --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$work/o" "$work/r/in.xlsx" >/dev/null 2>&1
  mv "$work/o/in.xlsx" "$out/$2"
}

demo="$root/Sources/MinshengData/Demo/Resources"
# The city programme's ten months of figures (1,200 rows, most without 完成数量) and its plan.
cp "$demo/progress-shaoyang-2024-city.csv" "$work/progress-city.csv"
cp "$demo/plan-shaoyang-2024-city.csv" "$work/plan-city.csv"
convert "$plain" "$work/progress-city.csv" progress-city.libreoffice.xlsx
convert "$plain" "$work/plan-city.csv" plan-city.libreoffice.xlsx
# A plan with the optional columns (责任单位, 验收标准: quoted commas, quotes and a line break).
cp "$out/plan-full.csv" "$work/plan-full.csv"
convert "$plain" "$work/plan-full.csv" plan-full.libreoffice.xlsx
# The same figures with months written as dates (2024-01-31): Calc stores them as date serials.
python3 - "$work/progress-city.csv" "$work/progress-city-dates.csv" <<'PY'
import calendar, csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r in rows[1:]:
        y, m = map(int, r[0].split("-"))
        w.writerow([f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"] + r[1:])
PY
convert "$special" "$work/progress-city-dates.csv" progress-city-dates.libreoffice.xlsx

# Our own templates (what the import page offers), opened and saved by Calc.
swift build --product minsheng >/dev/null
bin=$(swift build --show-bin-path)/minsheng
"$bin" template plan --format xlsx --output "$work/plan-template.xlsx"
"$bin" template progress --format xlsx --output "$work/progress-template.xlsx"
resave "$work/plan-template.xlsx" plan-template.libreoffice.xlsx
resave "$work/progress-template.xlsx" progress-template.libreoffice.xlsx
ls -l "$out"
