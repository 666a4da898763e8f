//! Outputs besides the PDF, written from the same report model: the II.06a form and the
//! report's tables as an Excel workbook, and an editable Word draft.

pub mod docx;
pub mod lake;
pub mod xlsx;
