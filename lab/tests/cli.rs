//! The command-line contract of `safedm score` and `safedm eval`, end to end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn safedm(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_safedm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A run that rejects its arguments exits before reading: the pipe is then closed, and
        // that is the case under test, not a failure (it made this test flaky).
        if let Err(e) = input.write_all(text.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// `safedm eval --json -` over `input`: it must succeed; its report.
fn eval_json(input: &str) -> serde_json::Value {
    let out = safedm(&["eval", "--json", "-"], Some(input));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const GROOMING: &str = r#"{"id":"g1","label":"grooming","messages":[{"role":"contact","text":"how old are you?"},{"role":"child","text":"im 12"},{"role":"contact","text":"dont tell anyone we talk"},{"role":"contact","text":"add me on snap, this app reads our messages"}]}"#;
const BENIGN: &str = r#"{"id":"b1","messages":[{"role":"contact","text":"are you home alone? lock the door"},{"role":"child","text":"yes mum"}]}"#;

#[test]
fn score_writes_one_line_per_conversation_with_the_contract_fields() {
    let input = format!("{GROOMING}\n\n{BENIGN}\n");
    let out = safedm(&["score", "-"], Some(&input));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = lines(&out);
    assert_eq!(rows.len(), 2);
    let g = &rows[0];
    assert_eq!(g["id"], "g1");
    assert_eq!(g["label"], "grooming");
    assert_eq!(g["max_level"], "alert");
    assert!(g["max_risk"].as_u64().unwrap() >= 65);
    assert_eq!(g["first_alert_at"], 3);
    assert!(g["first_warn_at"].as_u64().unwrap() <= 3);
    let reasons: Vec<&str> = g["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"secrecy") && reasons.contains(&"private_channel"),
        "{reasons:?}"
    );
    let b = &rows[1];
    assert_eq!(b["id"], "b1");
    assert!(b["label"].is_null());
    assert!(b["first_alert_at"].is_null() && b["first_warn_at"].is_null());
    for key in [
        "id",
        "label",
        "max_level",
        "max_risk",
        "first_warn_at",
        "first_alert_at",
        "reasons",
        "contact_messages_to_alert",
        "max_score",
    ] {
        assert!(g.get(key).is_some(), "missing {key}");
    }
}

#[test]
fn sensitivity_changes_the_outcome_and_bad_values_are_rejected() {
    let mild = r#"{"id":"m","messages":[{"role":"contact","text":"how old are you"},{"role":"contact","text":"you are so mature for your age"},{"role":"contact","text":"what school do you go to"}]}"#;
    let relaxed = lines(&safedm(
        &["score", "--sensitivity", "relaxed", "-"],
        Some(mild),
    ));
    let strict = lines(&safedm(
        &["score", "--sensitivity", "strict", "-"],
        Some(mild),
    ));
    let rank = |v: &serde_json::Value| {
        ["none", "watch", "warn", "alert"]
            .iter()
            .position(|l| v["max_level"] == *l)
    };
    assert!(
        rank(&strict[0]) > rank(&relaxed[0]),
        "{strict:?} vs {relaxed:?}"
    );
    let bad = safedm(&["score", "--sensitivity", "paranoid", "-"], Some(mild));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("paranoid"));
}

#[test]
fn malformed_lines_are_named_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(
        &path,
        format!("{GROOMING}\nnot json\n{{\"id\":3}}\n{BENIGN}\n"),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let out = safedm(&["score", path], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{path}:2:")), "{stderr}");
    assert!(stderr.contains(&format!("{path}:3:")), "{stderr}");
    let rows = lines(&out);
    assert_eq!(
        rows.iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["g1", "b1"]
    );
}

#[test]
fn gzipped_input_and_missing_files() {
    use flate2::write::GzEncoder;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl.gz");
    let mut gz = GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::default(),
    );
    writeln!(gz, "{GROOMING}").unwrap();
    gz.finish().unwrap();
    let out = safedm(
        &["score", path.to_str().unwrap(), "/no/such/file.jsonl"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.jsonl"));
}

#[test]
fn eval_reports_per_source_and_overall() {
    let input = format!(
        "{}\n{}\n",
        GROOMING.replace(r#""id":"g1""#, r#""id":"g1","source":"mine""#),
        BENIGN.replace(
            r#""id":"b1""#,
            r#""id":"b1","source":"mine","label":"benign""#
        )
    );
    let report = eval_json(&input);
    let mine = &report["sources"]["mine"];
    assert_eq!(mine["conversations"], 2);
    assert_eq!(mine["grooming"], 1);
    assert_eq!(mine["benign"], 1);
    assert_eq!(mine["recall_alert"], 1.0);
    assert_eq!(mine["false_alert_rate"], 0.0);
    assert_eq!(mine["precision_alert"], 1.0);
    assert_eq!(mine["latency_median"], 3.0);
    assert_eq!(report["overall"]["conversations"], 2);
    assert!(report["overall"]["messages_per_second"].as_f64().unwrap() > 0.0);
    let table = safedm(&["eval", "-"], Some(&input));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("mine") && text.contains("overall") && text.contains("100.0%"),
        "{text}"
    );
}

/// Regression: `safedm trace FILE | head` panicked in `println!` once the reader went away.
#[test]
fn trace_into_a_closed_pipe_stops_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let many: String = (0..400)
        .map(|i| GROOMING.replace("\"g1\"", &format!("\"g{i}\"")) + "\n")
        .collect();
    std::fs::write(&path, many).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_safedm"))
        .args(["trace", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing: close the pipe at once, as `head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

/// `eval` cuts the offender chats it is given into PAN 2012-style segments and reports them as
/// their own grooming source, beside the streams (see src/segments.rs).
#[test]
fn eval_adds_the_offender_chats_cut_into_segments() {
    let lines: Vec<String> = (0..120)
        .map(|i| format!(r#"{{"role":"contact","text":"line {i} of the contact and some words"}}"#))
        .collect();
    let decoy: Vec<String> = (0..80)
        .map(|i| format!(r#"{{"role":"child","text":"reply {i} from the decoy"}}"#))
        .collect();
    let offender = format!(
        r#"{{"id":"pj-a","source":"perverted-justice","label":"grooming","messages":[{}]}}"#,
        lines.join(",")
    );
    let decoys = format!(
        r#"{{"id":"pj-a-decoy-x","source":"perverted-justice-decoy","label":"grooming","messages":[{}]}}"#,
        decoy.join(",")
    );
    let benign = BENIGN.replace(r#""id":"b1""#, r#""id":"b1","label":"benign""#);
    let input = format!("{offender}\n{decoys}\n{benign}\n");
    let report = eval_json(&input);
    let segments = &report["sources"][safedm_lab::Source::OffenderSegments.name()];
    assert_eq!(
        segments["grooming"],
        safedm_lab::segments::SEGMENTS_PER_CHAT
    );
    assert_eq!(segments["benign"], 0);
    assert_eq!(report["sources"]["perverted-justice"]["conversations"], 1);
    assert_eq!(report["sources"]["pj-decoys-as-contact"]["benign"], 1);
    // Without offender chats there are no segments.
    let report = eval_json(BENIGN);
    assert!(report["sources"]
        .get(safedm_lab::Source::OffenderSegments.name())
        .is_none());
}
