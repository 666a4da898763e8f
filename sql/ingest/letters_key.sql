-- A letter's identity inside one file (the dossier's code and the letter's day): what an in-file duplicate repeats.
UPDATE letter_versions SET ma_thu = ma_ho_so || ' ' || strftime(ngay_xin_loi, '%d/%m/%Y') WHERE file_id = ?
