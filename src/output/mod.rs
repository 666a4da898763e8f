//! Every report model → file writer: the PDF (Typst or built-in), the appendix forms and
//! tables as an Excel workbook, the editable Word draft, and the public HTML archive (`site`).

pub mod docx;
pub mod pdf;
pub mod site;
pub mod xlsx;
