//! Text rendering of a [`TemplateDiff`], close to `cdk diff`'s layout (plain text, no
//! colours, so golden files compare byte for byte).

use serde_json::Value;

use super::iam::IamChanges;
use super::{ChangeKind, EntryDiff, Replacement, ResourceDiff, TemplateDiff};

/// Renders the diff of one stack; `"There were no differences\n"` when empty.
pub fn render(diff: &TemplateDiff) -> String {
    if diff.is_empty() {
        return "There were no differences\n".into();
    }
    let mut out = String::new();
    if !diff.iam.is_empty() {
        render_iam(&diff.iam, &mut out);
    }
    render_entries("Parameters", "Parameter", &diff.parameters, &mut out);
    if !diff.resources.is_empty() {
        out.push_str("Resources\n");
        for r in &diff.resources {
            render_resource(r, &mut out);
        }
        out.push('\n');
    }
    render_entries("Outputs", "Output", &diff.outputs, &mut out);
    let losing: Vec<&ResourceDiff> = diff
        .resources
        .iter()
        .filter(|r| r.destroys_data())
        .collect();
    if !losing.is_empty() {
        out.push_str("!!! WARNING: this deployment DESTROYS stateful resources and their data:\n");
        for r in losing {
            let how = if r.kind == ChangeKind::Removed {
                "removed"
            } else {
                "REPLACED"
            };
            out.push_str(&format!(
                "!!!   {} {} is {how}\n",
                r.resource_type, r.logical_id
            ));
        }
        out.push('\n');
    }
    out
}

fn sign(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "[+]",
        ChangeKind::Removed => "[-]",
        ChangeKind::Modified => "[~]",
    }
}

fn compact(v: &Value) -> String {
    v.to_string()
}

fn render_entries(title: &str, noun: &str, entries: &[EntryDiff], out: &mut String) {
    if entries.is_empty() {
        return;
    }
    out.push_str(title);
    out.push('\n');
    for e in entries {
        match e.kind {
            ChangeKind::Modified => {
                out.push_str(&format!("[~] {noun} {}\n", e.name));
                if let Some(o) = &e.old {
                    out.push_str(&format!(" ├─ [-] {}\n", compact(o)));
                }
                if let Some(n) = &e.new {
                    out.push_str(&format!(" └─ [+] {}\n", compact(n)));
                }
            }
            kind => {
                let v = e
                    .new
                    .as_ref()
                    .or(e.old.as_ref())
                    .map(compact)
                    .unwrap_or_default();
                out.push_str(&format!("{} {noun} {}: {v}\n", sign(kind), e.name));
            }
        }
    }
    out.push('\n');
}

fn render_resource(r: &ResourceDiff, out: &mut String) {
    let mut line = format!("{} {} {}", sign(r.kind), r.resource_type, r.logical_id);
    if let Some(old) = &r.old_type {
        line.push_str(&format!(" (type changed from {old})"));
    }
    match (r.kind, r.replacement) {
        (ChangeKind::Modified, Replacement::Will) => line.push_str(" replace"),
        (ChangeKind::Modified, Replacement::May) => line.push_str(" may be replaced"),
        _ => {}
    }
    if r.destroys_data() {
        line.push_str("  !!! DATA LOSS: stateful resource");
    } else if r.kind == ChangeKind::Removed && r.stateful {
        line.push_str(" (retained: DeletionPolicy keeps it)");
    }
    out.push_str(&line);
    out.push('\n');
    let n = r.properties.len();
    for (i, p) in r.properties.iter().enumerate() {
        let last = i + 1 == n;
        let (branch, cont) = if last {
            (" └─", "    ")
        } else {
            (" ├─", " │  ")
        };
        let kind = match (&p.old, &p.new) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            _ => ChangeKind::Modified,
        };
        let note = match p.replacement {
            Replacement::Will => " (requires replacement)",
            Replacement::May => " (may cause replacement)",
            Replacement::None => "",
        };
        out.push_str(&format!("{branch} {} {}{note}\n", sign(kind), p.name));
        match (&p.old, &p.new) {
            (Some(o), Some(n)) => {
                out.push_str(&format!("{cont} ├─ [-] {}\n", compact(o)));
                out.push_str(&format!("{cont} └─ [+] {}\n", compact(n)));
            }
            (Some(v), None) | (None, Some(v)) => {
                out.push_str(&format!("{cont} └─ {}\n", compact(v)));
            }
            (None, None) => {}
        }
    }
}

fn render_iam(iam: &IamChanges, out: &mut String) {
    if !iam.added_statements.is_empty() || !iam.removed_statements.is_empty() {
        out.push_str("IAM Statement Changes\n");
        let rows = iam
            .added_statements
            .iter()
            .map(|r| ("+", r))
            .chain(iam.removed_statements.iter().map(|r| ("-", r)))
            .map(|(s, r)| {
                vec![
                    s.to_string(),
                    r.resource.clone(),
                    r.effect.clone(),
                    r.action.clone(),
                    r.principal.clone(),
                    r.condition.clone(),
                ]
            })
            .collect();
        out.push_str(&table(
            &["", "Resource", "Effect", "Action", "Principal", "Condition"],
            rows,
        ));
    }
    if !iam.added_managed.is_empty() || !iam.removed_managed.is_empty() {
        out.push_str("IAM Policy Changes\n");
        let rows = iam
            .added_managed
            .iter()
            .map(|r| ("+", r))
            .chain(iam.removed_managed.iter().map(|r| ("-", r)))
            .map(|(s, r)| {
                vec![
                    s.to_string(),
                    r.resource.clone(),
                    r.managed_policy_arn.clone(),
                ]
            })
            .collect();
        out.push_str(&table(&["", "Resource", "Managed Policy ARN"], rows));
    }
    out.push('\n');
}

/// A box-drawn table; cells may span several lines.
pub(crate) fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            if let Some(slot) = widths.get_mut(i) {
                *slot = (*slot).max(w);
            }
        }
    }
    let rule = |l: &str, m: &str, r: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{l}{}{r}\n", parts.join(m))
    };
    let line = |cells: &[&str]| {
        let parts: Vec<String> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let c = cells.get(i).copied().unwrap_or("");
                format!(" {c}{} ", " ".repeat(w - c.chars().count()))
            })
            .collect();
        format!("│{}│\n", parts.join("│"))
    };
    let mut out = rule("┌", "┬", "┐");
    out.push_str(&line(headers));
    for row in &rows {
        out.push_str(&rule("├", "┼", "┤"));
        let height = row
            .iter()
            .map(|c| c.lines().count().max(1))
            .max()
            .unwrap_or(1);
        for k in 0..height {
            let cells: Vec<&str> = row.iter().map(|c| c.lines().nth(k).unwrap_or("")).collect();
            out.push_str(&line(&cells));
        }
    }
    out.push_str(&rule("└", "┴", "┘"));
    out
}
