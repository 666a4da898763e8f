//! Every report model → file writer: the PDF (Typst or built-in), the appendix forms and
//! tables as an Excel workbook, the editable Word draft, the public HTML archive (`site`),
//! and the files of a day's warning list (`watch`).

pub mod docx;
pub mod pdf;
pub mod site;
pub mod watch;
pub mod xlsx;
