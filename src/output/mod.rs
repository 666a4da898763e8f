//! Outputs besides the PDF, written from the same report model: the II.06a form and the
//! report's tables as an Excel workbook, and an editable Word draft;
//! the Parquet lake; the public HTML archive of every report produced (`site`).

pub mod docx;
pub mod lake;
pub mod site;
pub mod xlsx;
