//! The kinds of input and their column tables: where each kind is stored (its destination),
//! and for feedback (PAKN), the procedure catalogue and apology letters every column with its type and
//! accepted headers (dossier columns are in `fields`). Below the readers: they ask it which
//! row is a header.

use super::fields;
use super::values::fold;

/// Where rows of one kind of input are stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Destination {
    pub kind: &'static str,
    pub table: &'static str,
    pub key: &'static str,
    pub key_name: &'static str,
    /// What a duplicate row inside one file repeats: the key, or for apology letters (several
    /// per dossier) `ma_thu`, the code and the letter's day.
    pub dup_key: &'static str,
    pub dup_key_name: &'static str,
}

/// Dossier exports.
pub const DOSSIERS: Destination = Destination {
    kind: "dossiers",
    table: "dossier_versions",
    key: "ma_ho_so",
    key_name: "MaHoSo",
    dup_key: "ma_ho_so",
    dup_key_name: "MaHoSo",
};

/// How a column's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    Key,
    Text,
    /// A date that may lie after the export (a due date).
    Due,
    Date,
    Fee,
    Level,
    Service,
    Rating,
    /// A yes/no column (1/0, Có/Không, x).
    Flag,
}

/// One column of a kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// The canonical (DVCQG) name, as messages print it.
    pub name: &'static str,
    /// The column of the destination's table.
    pub column: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// Accepted headers, folded (see `values::fold`).
    pub aliases: &'static [&'static str],
}

/// Which kind of input a file holds, by its key column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputKind {
    pub destination: Destination,
    pub cols: &'static [Column],
}

/// Feedback and complaints (phản ánh, kiến nghị).
pub const FEEDBACK: InputKind = InputKind {
    destination: Destination {
        kind: "feedback",
        table: "feedback_versions",
        key: "ma_pakn",
        key_name: "MaPAKN",
        dup_key: "ma_pakn",
        dup_key_name: "MaPAKN",
    },
    cols: &[
        Column {
            name: "MaPAKN",
            column: "ma_pakn",
            ty: Ty::Key,
            required: true,
            aliases: &["mapakn", "maphananh", "maphananhkiennghi", "sophananh"],
        },
        Column {
            name: "TenDonVi",
            column: "ten_don_vi",
            ty: Ty::Text,
            required: false,
            aliases: &["tendonvi", "donvi", "coquanxuly", "donvixuly", "coquan"],
        },
        Column {
            name: "LinhVuc",
            column: "linh_vuc",
            ty: Ty::Text,
            required: false,
            aliases: &["linhvuc", "tenlinhvuc"],
        },
        Column {
            name: "NgayTiepNhan",
            column: "ngay_tiep_nhan",
            ty: Ty::Date,
            required: true,
            aliases: &["ngaytiepnhan", "ngaynhan"],
        },
        Column {
            name: "NgayHenXuLy",
            column: "ngay_hen_xu_ly",
            ty: Ty::Due,
            required: false,
            aliases: &["ngayhenxuly", "hanxuly", "ngayhentra"],
        },
        Column {
            name: "NgayXuLy",
            column: "ngay_xu_ly",
            ty: Ty::Date,
            required: false,
            aliases: &["ngayxuly", "ngayhoanthanh", "ngaytraloi"],
        },
        Column {
            name: "DanhGia",
            column: "danh_gia",
            ty: Ty::Rating,
            required: false,
            aliases: &["danhgia", "mucdohailong"],
        },
    ],
};

/// The procedure catalogue (danh mục TTHC).
pub const CATALOGUE: InputKind = InputKind {
    destination: Destination {
        kind: "catalogue",
        table: "catalogue_versions",
        key: "ma_tthc",
        key_name: "MaTTHC",
        dup_key: "ma_tthc",
        dup_key_name: "MaTTHC",
    },
    cols: &[
        Column {
            name: "MaTTHC",
            column: "ma_tthc",
            ty: Ty::Key,
            required: true,
            aliases: &["matthc", "mathutuc", "mathutuchanhchinh"],
        },
        Column {
            name: "TenTTHC",
            column: "ten_tthc",
            ty: Ty::Text,
            required: false,
            aliases: &["tentthc", "tenthutuc", "tenthutuchanhchinh"],
        },
        Column {
            name: "CapThucHien",
            column: "cap_thuc_hien",
            ty: Ty::Level,
            required: false,
            aliases: &["capthuchien", "cap"],
        },
        Column {
            name: "LePhi",
            column: "le_phi",
            ty: Ty::Fee,
            required: false,
            aliases: &["lephi", "philephi", "phi"],
        },
        Column {
            name: "MucDo",
            column: "muc_do",
            ty: Ty::Service,
            required: false,
            aliases: &["mucdo", "mucdodvc", "mucdodichvucong"],
        },
        Column {
            name: "CoQuan",
            column: "co_quan",
            ty: Ty::Text,
            required: false,
            aliases: &[
                "coquan",
                "coquanquanly",
                "coquanchutri",
                "donvi",
                "tendonvi",
                "coquanthuchien",
            ],
        },
        Column {
            name: "LinhVuc",
            column: "linh_vuc",
            ty: Ty::Text,
            required: false,
            aliases: &["linhvuc", "tenlinhvuc"],
        },
        Column {
            name: "MotCua",
            column: "mot_cua",
            ty: Ty::Flag,
            required: false,
            aliases: &["motcua", "thuchientaibophanmotcua", "bophanmotcua", "quamotcua"],
        },
        Column {
            name: "NoiBo",
            column: "noi_bo",
            ty: Ty::Flag,
            required: false,
            aliases: &["noibo", "tthcnoibo", "thutucnoibo"],
        },
    ],
};

/// Apology letters for late dossiers (docs/rules.md, Apology letters): the dossier's code, the
/// day the letter was issued, the new return date it gives, and its number when exported.
pub const LETTERS: InputKind = InputKind {
    destination: Destination {
        kind: "letters",
        table: "letter_versions",
        key: "ma_ho_so",
        key_name: "MaHoSo",
        dup_key: "ma_thu",
        dup_key_name: "MaHoSo, NgayXinLoi",
    },
    cols: &[
        Column {
            name: "MaHoSo",
            column: "ma_ho_so",
            ty: Ty::Key,
            required: true,
            aliases: &["mahoso", "sohoso", "mahs", "madossier"],
        },
        Column {
            name: "NgayXinLoi",
            column: "ngay_xin_loi",
            ty: Ty::Date,
            required: true,
            aliases: &[
                "ngayxinloi",
                "ngayphieuxinloi",
                "ngayvanbanxinloi",
                "ngaythuxinloi",
                "ngaybanhanhxinloi",
            ],
        },
        Column {
            name: "NgayHenTraMoi",
            column: "ngay_hen_tra_moi",
            ty: Ty::Due,
            required: true,
            aliases: &["ngayhentramoi", "ngayhenlai", "ngayhentralai", "ngayhentraketquamoi"],
        },
        Column {
            name: "SoVanBan",
            column: "so_van_ban",
            ty: Ty::Text,
            required: false,
            aliases: &["sovanban", "sophieu", "sokyhieu", "sophieuxinloi", "sovanbanxinloi"],
        },
    ],
};

pub const KINDS: &[InputKind] = &[FEEDBACK, CATALOGUE, LETTERS];

pub fn column_of(kind: &InputKind, header: &str) -> Option<usize> {
    let f = fold(header);
    kind.cols.iter().position(|c| c.aliases.contains(&f.as_str()))
}

/// How well a row reads as the header of a feedback or catalogue file (0 if its key is absent).
fn other_score(cells: &[String]) -> usize {
    KINDS
        .iter()
        .map(|k| {
            let idx: Vec<Option<usize>> = cells.iter().map(|c| column_of(k, c)).collect();
            if idx.contains(&Some(0)) {
                idx.iter().filter(|x| x.is_some()).count()
            } else {
                0
            }
        })
        .max()
        .unwrap_or(0)
}

/// The kind of a header that is not a dossier export's, if any: a letters file (it carries
/// the dossier code too, told apart by the letter's date), else one without MaHoSo.
pub fn kind_of(header: &[String]) -> Option<InputKind> {
    if header.iter().any(|h| column_of(&LETTERS, h) == Some(1)) {
        return Some(LETTERS);
    }
    if header
        .iter()
        .any(|h| fields::match_header(h) == Some(fields::Field::MaHoSo))
    {
        return None;
    }
    KINDS
        .iter()
        .copied()
        .filter(|k| *k != LETTERS)
        .find(|k| header.iter().any(|h| column_of(k, h) == Some(0)))
}

/// How well a row reads as a header of any kind of input (the readers pick the best row).
pub fn header_score(cells: &[String]) -> usize {
    fields::header_score(cells).max(other_score(cells))
}
