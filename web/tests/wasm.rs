//! The JavaScript bindings, run as WebAssembly in Node by wasm-bindgen-test:
//! `make test-wasm` (`cargo test --target wasm32-unknown-unknown --features wasm --test wasm`
//! with `wasm-bindgen-test-runner` as the runner). Bad input must give a JS `Error`, never trap.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use js_sys::{Array, JsString, Reflect, JSON};
use safedm_web::{stages, thresholds, version, WasmEngine};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn json(s: &str) -> JsValue {
    JSON::parse(s).expect("test JSON parses")
}

fn error_message(e: JsError) -> String {
    let v: JsValue = e.into();
    let err: js_sys::Error = v.dyn_into().expect("a JS Error");
    String::from(err.message())
}

fn ok<T>(r: Result<T, JsError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {}", error_message(e)),
    }
}

fn err<T>(r: Result<T, JsError>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => error_message(e),
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn get_str(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn get_num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(f64::NAN)
}

fn id(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn msg(id: &str, role: &str, text: &str) -> JsValue {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"id".into(), &id.into()).unwrap();
    Reflect::set(&o, &"role".into(), &role.into()).unwrap();
    Reflect::set(&o, &"text".into(), &text.into()).unwrap();
    o.into()
}

fn engine() -> WasmEngine {
    ok(WasmEngine::new(json(
        r#"{"sensitivity":"balanced","childAge":13}"#,
    )))
}

const GROOMING: &[(&str, &str)] = &[
    ("contact", "hey you're really good at this game"),
    ("contact", "how old are you btw?"),
    ("child", "im 13"),
    ("contact", "wow you're so mature for your age"),
    ("contact", "i can buy you robux if you want"),
    ("contact", "are your parents home right now?"),
    ("contact", "don't tell anyone we talk ok, it's our secret"),
    ("contact", "add me on snapchat, this app reads our messages"),
];

fn play(engine: &mut WasmEngine, conversation: &str) -> JsValue {
    let mut last = JsValue::NULL;
    for (i, (role, text)) in GROOMING.iter().enumerate() {
        last = ok(engine.observe(id(conversation), msg(&format!("m{i}"), role, text)));
    }
    last
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn thresholds_and_stages_are_exposed() {
    let t = ok(thresholds(id("balanced")));
    assert_eq!(get_num(&t, "warn"), 40.0);
    assert_eq!(get_num(&t, "alert"), 65.0);
    let strict = ok(thresholds(id("strict")));
    assert!(get_num(&strict, "alert") < get_num(&t, "alert"));
    assert!(err(thresholds(id("paranoid"))).contains("paranoid"));
    assert!(err(thresholds(JsValue::from_f64(3.0))).contains("sensitivity"));
    let list: Array = ok(stages()).dyn_into().unwrap();
    assert_eq!(list.length(), 8);
    assert_eq!(get_str(&list.get(0), "stage"), "none");
    assert_eq!(get_str(&list.get(7), "stage"), "approach");
}

#[wasm_bindgen_test]
fn bad_configs_throw_clear_errors() {
    ok(WasmEngine::new(JsValue::UNDEFINED));
    ok(WasmEngine::new(JsValue::NULL));
    ok(WasmEngine::new(json("{}")));
    let e = err(WasmEngine::new(json(r#"{"sensitivity":"paranoid"}"#)));
    assert!(e.contains("sensitivity") || e.contains("paranoid"), "{e}");
    let e = err(WasmEngine::new(json(r#"{"childAge":200}"#)));
    assert!(e.contains("childAge"), "{e}");
    let e = err(WasmEngine::new(json(r#"{"childAge":3000}"#)));
    assert!(e.contains("invalid config"), "{e}");
    let e = err(WasmEngine::new(json(r#"{"childAge":"13"}"#)));
    assert!(e.contains("invalid config"), "{e}");
    let e = err(WasmEngine::new(json(r#"{"childage":13}"#)));
    assert!(e.contains("childage"), "{e}");
    for bad in [json("[]"), json("\"strict\""), JsValue::from_f64(1.0)] {
        assert!(err(WasmEngine::new(bad)).contains("invalid config"));
    }
    let mut o = js_sys::Object::new();
    Reflect::set(&o, &"childAge".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    assert!(err(WasmEngine::new(o.clone().into())).contains("invalid config"));
    o = js_sys::Object::new();
    Reflect::set(&o, &"childAge".into(), &JsValue::from_f64(12.5)).unwrap();
    assert!(err(WasmEngine::new(o.into())).contains("invalid config"));
}

#[wasm_bindgen_test]
fn grooming_pattern_reaches_alert_with_reasons_and_summary() {
    let mut e = engine();
    let a = play(&mut e, "discord:1");
    assert_eq!(get_str(&a, "level"), "alert");
    assert!(get_num(&a, "risk") >= 65.0);
    assert_eq!(get_num(&a, "messageIndex"), (GROOMING.len() - 1) as f64);
    assert_eq!(get_num(&a, "childAge"), 13.0);
    assert!(get(&a, "contactAge").is_null(), "unknown ages are null");
    assert!(get(&a, "notify").as_bool().is_some());
    let reasons: Array = get(&a, "reasons").dyn_into().unwrap();
    assert!(reasons.length() >= 3);
    let first = reasons.get(0);
    for key in ["category", "stage", "parent", "child"] {
        assert!(!get_str(&first, key).is_empty(), "{key}");
    }
    let ids: Array = get(&first, "messageIds").dyn_into().unwrap();
    assert!(ids.length() >= 1);
    assert!(ids.get(0).as_string().is_some());
    assert!(get_str(&a, "summary").starts_with("This person "));
    let categories: Vec<String> = reasons.iter().map(|r| get_str(&r, "category")).collect();
    assert!(categories.iter().any(|c| c == "secrecy"), "{categories:?}");
    assert_eq!(e.conversation_count(), 1);
}

#[wasm_bindgen_test]
fn a_friendly_chat_stays_calm() {
    let mut e = engine();
    let lines = [
        ("contact", "are you coming to practice tomorrow?"),
        ("child", "yes, mum is driving me"),
        ("contact", "cool, bring the ball"),
    ];
    for (i, (role, text)) in lines.iter().enumerate() {
        let a = ok(e.observe(id("friends"), msg(&format!("{i}"), role, text)));
        assert_eq!(get_str(&a, "level"), "none");
        assert_eq!(get_str(&a, "summary"), "");
    }
}

#[wasm_bindgen_test]
fn hit_spans_are_utf16_offsets() {
    let mut e = engine();
    // Emoji are two UTF-16 units and four UTF-8 bytes; accented letters are one and two.
    let text = "😀😀 héllo 🤐 don't tell anyone, it's our secret";
    let a = ok(e.observe(id("c"), msg("1", "contact", text)));
    let hits: Array = get(&a, "hits").dyn_into().unwrap();
    assert!(hits.length() >= 1, "the secrecy line has a hit");
    let js_text = JsString::from(text);
    let mut seen = Vec::new();
    for h in hits.iter() {
        let (start, end) = (get_num(&h, "start") as u32, get_num(&h, "end") as u32);
        assert!(start <= end && end <= js_text.length());
        seen.push(String::from(js_text.substring(start, end)));
    }
    assert!(
        seen.iter()
            .any(|s| s.contains("secret") || s.contains("tell")),
        "{seen:?}"
    );
}

#[wasm_bindgen_test]
fn bad_messages_throw_and_leave_the_state_alone() {
    let mut e = engine();
    ok(e.observe(id("c"), msg("1", "contact", "hi")));
    let cases: Vec<JsValue> = vec![
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_str("hello"),
        JsValue::from_f64(42.0),
        json("[1,2]"),
        json("{}"),
        json(r#"{"role":"contact"}"#),
        json(r#"{"text":"hi"}"#),
        json(r#"{"role":"admin","text":"hi"}"#),
        json(r#"{"role":"contact","text":42}"#),
        json(r#"{"role":"contact","text":"hi","id":7}"#),
        json(r#"{"role":"contact","text":"hi","time":"yesterday"}"#),
        json(r#"{"role":"contact","text":["hi"]}"#),
    ];
    for bad in cases {
        let e2 = err(e.observe(id("c"), bad));
        assert!(e2.starts_with("invalid message"), "{e2}");
    }
    for bad_id in [
        JsValue::UNDEFINED,
        JsValue::from_f64(1.0),
        id(""),
        json("{}"),
    ] {
        let m = err(e.observe(bad_id, msg("x", "contact", "hi")));
        assert!(m.contains("conversationId"), "{m}");
    }
    let a = ok(e.observe(id("c"), msg("2", "child", "hey")));
    assert_eq!(
        get_num(&a, "messageIndex"),
        1.0,
        "failed calls changed nothing"
    );
    assert_eq!(e.conversation_count(), 1);
}

#[wasm_bindgen_test]
fn odd_but_valid_input_is_scored() {
    let mut e = engine();
    // Missing id, unknown role, extra fields, null time.
    ok(e.observe(
        id("c"),
        json(r#"{"role":"unknown","text":"hi","site":"x","time":null}"#),
    ));
    // Non-finite times count as unknown.
    for t in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e300] {
        let m = msg("t", "contact", "are your parents home?");
        Reflect::set(&m, &"time".into(), &JsValue::from_f64(t)).unwrap();
        let a = ok(e.observe(id("times"), m));
        assert!(get_num(&a, "risk").is_finite());
    }
    let state = ok(e.export_state(id("times")));
    ok(e.import_state(id("times2"), state));
}

#[wasm_bindgen_test]
fn lone_surrogates_do_not_trap() {
    let mut e = engine();
    let lone_high = JsString::from_char_code1(0xD800);
    let lone_low = JsString::from_char_code1(0xDC00);
    let text = JsString::from("keep it ")
        .concat(&lone_high)
        .concat(&JsString::from(" our secret "))
        .concat(&lone_low)
        .concat(&JsString::from(" 🤫"));
    let m = msg("1", "contact", "");
    Reflect::set(&m, &"text".into(), &text).unwrap();
    let a = ok(e.observe(id("s"), m));
    let hits: Array = get(&a, "hits").dyn_into().unwrap();
    for h in hits.iter() {
        assert!(get_num(&h, "end") <= f64::from(text.length()));
    }
    // A lone surrogate in the id and conversation id too.
    let m = msg("", "contact", "hi");
    Reflect::set(&m, &"id".into(), &lone_low).unwrap();
    ok(e.observe(lone_high.clone().into(), m));
    ok(e.export_state(lone_high.into()));
}

#[wasm_bindgen_test]
fn a_one_mebibyte_message_is_scored() {
    let mut e = engine();
    let big = format!("don't tell your parents {}", "a".repeat(1 << 20));
    let a = ok(e.observe(id("big"), msg("1", "contact", &big)));
    assert!(get_num(&a, "risk").is_finite());
    let big_emoji = "🤫 ".repeat(400_000);
    let a = ok(e.observe(id("big"), msg("2", "contact", &big_emoji)));
    let hits: Array = get(&a, "hits").dyn_into().unwrap();
    for h in hits.iter() {
        assert!(get_num(&h, "end") <= (big_emoji.encode_utf16().count()) as f64);
    }
    // The same engine keeps working.
    ok(e.observe(id("big"), msg("3", "child", "ok")));
}

#[wasm_bindgen_test]
fn state_round_trips_through_json_without_message_text() {
    let mut e = engine();
    play(&mut e, "a");
    let state = ok(e.export_state(id("a")));
    let text = String::from(JSON::stringify(&state).unwrap());
    assert!(!text.contains("robux") && !text.contains("snapchat") && !text.contains("secret\""));
    assert!(ok(e.export_state(id("unknown"))).is_null());

    let mut other = engine();
    ok(other.import_state(id("b"), json(&text)));
    let next = msg("n", "contact", "send me a picture");
    let from_original = ok(e.observe(id("a"), next.clone()));
    let from_imported = ok(other.observe(id("b"), next));
    assert_eq!(
        String::from(JSON::stringify(&from_original).unwrap()),
        String::from(JSON::stringify(&from_imported).unwrap())
    );
}

#[wasm_bindgen_test]
fn bad_state_is_rejected_and_nothing_changes() {
    let mut e = engine();
    play(&mut e, "a");
    let good = String::from(JSON::stringify(&ok(e.export_state(id("a")))).unwrap());

    let m = err(e.import_state(
        id("a"),
        json(&good.replace("\"format\":1", "\"format\":99")),
    ));
    assert!(m.contains("format"), "{m}");
    let m = err(e.import_state(id("a"), json(r#"{"format":1}"#)));
    assert!(m.starts_with("invalid state"), "{m}");
    for bad in [JsValue::UNDEFINED, JsValue::NULL, id("state"), json("[]")] {
        assert!(err(e.import_state(id("a"), bad)).starts_with("invalid state"));
    }
    // A negative weight.
    let state = json(&good);
    let evidence: Array = get(&state, "evidence").dyn_into().unwrap();
    Reflect::set(&evidence.get(0), &"weight".into(), &JsValue::from_f64(-1.0)).unwrap();
    assert!(err(e.import_state(id("a"), state)).contains("invalid state"));
    // A NaN weight, which JSON cannot carry but a JS object can.
    let state = json(&good);
    let evidence: Array = get(&state, "evidence").dyn_into().unwrap();
    Reflect::set(
        &evidence.get(0),
        &"weight".into(),
        &JsValue::from_f64(f64::NAN),
    )
    .unwrap();
    assert!(err(e.import_state(id("a"), state)).contains("invalid state"));
    // One evidence slot too many (state from a newer version, or damaged).
    let state = json(&good);
    let evidence: Array = get(&state, "evidence").dyn_into().unwrap();
    evidence.push(&evidence.get(0));
    assert!(err(e.import_state(id("a"), state)).contains("evidence"));

    let after = String::from(JSON::stringify(&ok(e.export_state(id("a")))).unwrap());
    assert_eq!(good, after, "failed imports kept the old state");
}

/// State saved before the sextortion categories were added has fewer evidence slots: it imports,
/// padded with empty ones, and scores on.
#[wasm_bindgen_test]
fn state_from_before_a_category_was_added_imports() {
    let mut e = engine();
    play(&mut e, "a");
    let state = ok(e.export_state(id("a")));
    let evidence: Array = get(&state, "evidence").dyn_into().unwrap();
    for _ in 0..3 {
        evidence.pop();
    }
    ok(e.import_state(id("b"), state));
    let back = ok(e.export_state(id("b")));
    let slots: Array = get(&back, "evidence").dyn_into().unwrap();
    assert_eq!(slots.length(), evidence.length() + 3);
}

#[wasm_bindgen_test]
fn forget_and_count() {
    let mut e = engine();
    play(&mut e, "a");
    play(&mut e, "b");
    assert_eq!(e.conversation_count(), 2);
    assert!(ok(e.forget(id("a"))));
    assert!(!ok(e.forget(id("a"))));
    assert!(err(e.forget(JsValue::NULL)).contains("conversationId"));
    assert_eq!(e.conversation_count(), 1);
    assert!(ok(e.export_state(id("a"))).is_null());
    let a = ok(e.observe(id("a"), msg("1", "contact", "hi")));
    assert_eq!(
        get_num(&a, "messageIndex"),
        0.0,
        "a forgotten conversation starts afresh"
    );
}

#[wasm_bindgen_test]
fn set_config_merges_and_rejects_bad_values() {
    let mut e = engine();
    ok(e.set_config(json(r#"{"sensitivity":"strict"}"#)));
    let c = ok(e.config());
    assert_eq!(get_str(&c, "sensitivity"), "strict");
    assert_eq!(get_num(&c, "childAge"), 13.0, "fields not given are kept");
    ok(e.set_config(json(r#"{"childAge":null}"#)));
    assert!(get(&ok(e.config()), "childAge").is_null());
    for bad in [
        json(r#"{"sensitivity":"loud"}"#),
        json(r#"{"childAge":40}"#),
        json(r#"{"colour":"red"}"#),
        JsValue::UNDEFINED,
        id("strict"),
    ] {
        let m = err(e.set_config(bad));
        assert!(m.contains("config"), "{m}");
    }
    let e2 = err(e.set_config(json(r#"{"childAge":40}"#)));
    assert!(e2.contains("childAge"), "{e2}");
    let c = ok(e.config());
    assert_eq!(
        get_str(&c, "sensitivity"),
        "strict",
        "bad settings kept the old ones"
    );
    assert!(get(&c, "childAge").is_null());
}

#[wasm_bindgen_test]
fn stricter_sensitivity_never_scores_lower_level() {
    let levels = ["none", "watch", "warn", "alert"];
    let rank = |s: String| levels.iter().position(|l| *l == s).unwrap();
    let mut relaxed = ok(WasmEngine::new(json(r#"{"sensitivity":"relaxed"}"#)));
    let mut strict = ok(WasmEngine::new(json(r#"{"sensitivity":"strict"}"#)));
    let a = play(&mut relaxed, "x");
    let b = play(&mut strict, "x");
    assert!(get_num(&b, "risk") >= get_num(&a, "risk"));
    assert!(rank(get_str(&b, "level")) >= rank(get_str(&a, "level")));
}
