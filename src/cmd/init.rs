//! `baocao init --province NAME`: writes a commented `baocao.toml` naming who issues the
//! province's reports (issuer lines, place, usual recipients, the II.06a header), from the
//! list of provincial units (reference/units.csv), to be checked and completed before the
//! first report. Never overwrites a file.

use super::{usage, Global};
use crate::error::Exit;
use crate::report::units::{self, Unit};
use anyhow::Result;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  baocao init --province \"Hà Tĩnh\"
  baocao init --province \"Bà Rịa - Vũng Tàu\" --out /srv/baocao/baocao.toml";

/// Which province, and where the file goes.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The province or centrally-run city, as written in running text ("Hà Tĩnh").
    #[arg(long)]
    pub province: String,
    /// The configuration file to write (refused when it exists).
    #[arg(long, default_value = "baocao.toml")]
    pub out: PathBuf,
}

/// Runs `init`: the file written, or exit 2 for an unknown province or an existing file.
pub fn run(a: &Args, _g: &Global) -> Result<Exit> {
    let unit = units::province(&a.province).map_err(|near| {
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean: {}?", near.join(", "))
        };
        usage(format!(
            "{:?} is not a province or centrally-run city of reference/units.csv{hint}",
            a.province
        ))
    })?;
    if a.out.exists() {
        return Err(usage(format!(
            "{} exists: init never overwrites a configuration (edit it, or give --out another file)",
            a.out.display()
        )));
    }
    let text = render(&unit);
    // create_new: a file that appeared since the check is still not overwritten.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.out)
        .map_err(|e| usage(format!("writing {}: {e}", a.out.display())))?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    println!("{}", a.out.display());
    Ok(Exit::Ok)
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let lines: Vec<String> = items.iter().map(|i| format!("  {},", q(i))).collect();
    format!("[\n{}\n]", lines.join("\n"))
}

/// The configuration text for a unit: what it is called in its own documents.
pub fn render(u: &Unit) -> String {
    let city = u.kind == "thành phố";
    let upper = format!("{} {}", u.kind.to_uppercase(), u.name.to_uppercase());
    let place = if city {
        format!("Thành phố {}", u.name)
    } else {
        u.name.clone()
    };
    let (party, council) = if city {
        ("Thành ủy", "HĐND thành phố")
    } else {
        ("Tỉnh ủy", "HĐND tỉnh")
    };
    let level = if city { "thành phố" } else { "tỉnh" };
    let recipients = vec![
        "Văn phòng Chính phủ (Cục Kiểm soát TTHC);".to_string(),
        format!("Thường trực {party}, Thường trực {council};"),
        format!("Chủ tịch, các Phó Chủ tịch UBND {level};"),
        format!("Các sở, ban, ngành cấp {level};"),
        "UBND các xã, phường, đặc khu;".to_string(),
        "Lưu: VT, KSTT.".to_string(),
    ];
    let successor = if u.successor != u.name || u.successor_kind != u.kind {
        format!(
            "# From 1/7/2025 (Resolution 202/2025/QH15) {} {} is part of {} {}: reports of periods\n\
             # after that date are issued by it; baocao prints its issuer lines and a footnote itself.\n",
            u.kind, u.name, u.successor_kind, u.successor
        )
    } else {
        String::new()
    };
    format!(
        "# baocao.toml for {kind} {name}, written by `baocao init`.\n\
         # Every line below goes into signed documents: check each one, fill in the signer, and\n\
         # keep this file with the store (see docs for every key).\n\
         {successor}\n\
         [metrics]\n\
         # cutoff15: months from the 15th to the 14th (Decree 09/2019); calendar: 1st to last day.\n\
         convention = \"cutoff15\"\n\
         \n\
         [report]\n\
         # The province as written in running text.\n\
         province = {province}\n\
         # Issuing body, top left, one line each.\n\
         issuer = {issuer}\n\
         # Document number as printed (the records office fills it in).\n\
         number = \"Số:        /BC-UBND\"\n\
         # Place before the date: \"{place}, ngày … tháng … năm …\".\n\
         place = {place_q}\n\
         # Signature block, one line each, and the signer's full name.\n\
         signer_lines = {signers}\n\
         signer_name = \"\"\n\
         # \"Nơi nhận\": the last line is the records office's.\n\
         recipients = {recipients}\n\
         # The II.06a header: who reports, to whom.\n\
         reporting_unit = {reporting}\n\
         receiving_unit = \"Văn phòng Chính phủ\"\n\
         formats = [\"pdf\", \"xlsx\", \"docx\"]\n",
        kind = u.kind,
        name = u.name,
        province = q(&u.name),
        issuer = list(&["ỦY BAN NHÂN DÂN".to_string(), upper]),
        place_q = q(&place),
        signers = list(&[
            "TM. ỦY BAN NHÂN DÂN".to_string(),
            "KT. CHỦ TỊCH".to_string(),
            "PHÓ CHỦ TỊCH".to_string()
        ]),
        recipients = list(&recipients),
        reporting = q(&format!("UBND {} {}", u.kind, u.name)),
    )
}
