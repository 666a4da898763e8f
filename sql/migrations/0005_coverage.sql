-- What each dossier file covers (docs/rules.md, Coverage): the days of its export window, per agency.
-- A window stated by the file (title block "Từ ngày … đến ngày …", JSON TuNgay/DenNgay) or
-- given with `ingest --covers` is taken as is; otherwise it is inferred from the rows and
-- marked so. Rows outside the window (carried-over dossiers) never widen a stated window.
CREATE TABLE coverage (
    file_id   INTEGER NOT NULL,
    agency    VARCHAR NOT NULL,     -- TenDonVi as grouped by the metrics ('' when empty)
    day_from  DATE NOT NULL,
    day_to    DATE NOT NULL,
    source    VARCHAR NOT NULL      -- 'file' (stated), 'option' (--covers) or 'inferred'
);
