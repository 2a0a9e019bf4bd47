//! Scoring whole conversations and the evaluation report of `safedm eval`.

use crate::conversation::Level;
use crate::corpus::Conversation;
use crate::cues::Category;
use crate::engine::Engine;
use crate::message::Role;
use serde::Serialize;
use std::collections::BTreeMap;

/// The source name of the decoys' streams in the corpora.
pub const DECOY_SOURCE: &str = "perverted-justice-decoy";
/// What `eval` calls the decoys' streams once rescored as a benign contact.
pub const DECOY_AS_CONTACT_SOURCE: &str = "pj-decoys-as-contact";

/// The result of scoring one whole conversation: the `safedm score` output line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScoreRecord {
    /// Conversation id.
    pub id: String,
    /// Label copied from the input, when present.
    pub label: Option<String>,
    /// Highest level reached.
    pub max_level: Level,
    /// Highest risk reached.
    pub max_risk: u8,
    /// 0-based message index at which the level first reached `warn`.
    pub first_warn_at: Option<usize>,
    /// 0-based message index at which the level first reached `alert`.
    pub first_alert_at: Option<usize>,
    /// Categories behind the highest level, strongest first.
    pub reasons: Vec<Category>,
    /// Contact (or unknown) messages up to and including the first alert.
    #[serde(skip)]
    pub contact_messages_to_alert: Option<usize>,
}

/// Scores a conversation from its first message to its last.
pub fn score_conversation(engine: &Engine, conversation: &Conversation) -> ScoreRecord {
    let mut state = engine.new_conversation();
    let mut record = ScoreRecord {
        id: conversation.id.clone(),
        label: conversation.label.clone(),
        max_level: Level::None,
        max_risk: 0,
        first_warn_at: None,
        first_alert_at: None,
        reasons: Vec::new(),
        contact_messages_to_alert: None,
    };
    let mut contact_seen = 0usize;
    for (i, message) in conversation.messages.iter().enumerate() {
        if message.role != Role::Child {
            contact_seen += 1;
        }
        let a = engine.observe(&mut state, message);
        if a.level >= Level::Warn && record.first_warn_at.is_none() {
            record.first_warn_at = Some(i);
        }
        if a.level >= Level::Alert && record.first_alert_at.is_none() {
            record.first_alert_at = Some(i);
            record.contact_messages_to_alert = Some(contact_seen);
        }
        if a.level > record.max_level || (a.level == record.max_level && a.risk > record.max_risk) {
            record.reasons = a.reasons.iter().map(|r| r.category).collect();
        }
        record.max_level = record.max_level.max(a.level);
        record.max_risk = record.max_risk.max(a.risk);
    }
    record
}

/// Rewrites a decoy stream (an adult posing as a child, labelled with the offender's chat) as a
/// benign contact stream: the hard negative of an adult talking to an adult in the same era.
pub fn decoy_as_contact(mut c: Conversation) -> Conversation {
    if c.source.as_deref() == Some(DECOY_SOURCE) {
        c.source = Some(DECOY_AS_CONTACT_SOURCE.to_string());
        c.label = Some("benign".to_string());
        for m in &mut c.messages {
            m.role = Role::Contact;
        }
    }
    c
}

/// Counts for one source (or for all).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SourceReport {
    /// Conversations scored.
    pub conversations: usize,
    /// Of which labelled grooming.
    pub grooming: usize,
    /// Of which labelled benign.
    pub benign: usize,
    /// Grooming conversations that reached warn / all grooming.
    pub recall_warn: Option<f64>,
    /// Grooming conversations that reached alert / all grooming.
    pub recall_alert: Option<f64>,
    /// Benign conversations that reached warn / all benign.
    pub false_warn_rate: Option<f64>,
    /// Benign conversations that reached alert / all benign.
    pub false_alert_rate: Option<f64>,
    /// Grooming alerted / all alerted.
    pub precision_alert: Option<f64>,
    /// F0.5 at alert (precision weighted over recall).
    pub f05_alert: Option<f64>,
    /// Median contact messages up to the first alert, over alerted grooming conversations.
    pub latency_median: Option<f64>,
    /// 90th percentile of the same.
    pub latency_p90: Option<f64>,
    /// Messages scored.
    pub messages: usize,
    /// Messages per second of scoring (engine only, not reading).
    pub messages_per_second: Option<f64>,
    #[serde(skip)]
    warned_grooming: usize,
    #[serde(skip)]
    alerted_grooming: usize,
    #[serde(skip)]
    warned_benign: usize,
    #[serde(skip)]
    alerted_benign: usize,
    #[serde(skip)]
    latencies: Vec<usize>,
    #[serde(skip)]
    seconds: f64,
}

impl SourceReport {
    /// Adds one scored conversation.
    pub fn add(
        &mut self,
        grooming: Option<bool>,
        record: &ScoreRecord,
        messages: usize,
        seconds: f64,
    ) {
        self.conversations += 1;
        self.messages += messages;
        self.seconds += seconds;
        let warned = record.max_level >= Level::Warn;
        let alerted = record.max_level >= Level::Alert;
        match grooming {
            Some(true) => {
                self.grooming += 1;
                self.warned_grooming += warned as usize;
                self.alerted_grooming += alerted as usize;
                if let Some(l) = record.contact_messages_to_alert {
                    self.latencies.push(l);
                }
            }
            Some(false) => {
                self.benign += 1;
                self.warned_benign += warned as usize;
                self.alerted_benign += alerted as usize;
            }
            None => {}
        }
    }

    /// Merges another report into this one (for the overall row).
    pub fn merge(&mut self, other: &SourceReport) {
        self.conversations += other.conversations;
        self.grooming += other.grooming;
        self.benign += other.benign;
        self.messages += other.messages;
        self.seconds += other.seconds;
        self.warned_grooming += other.warned_grooming;
        self.alerted_grooming += other.alerted_grooming;
        self.warned_benign += other.warned_benign;
        self.alerted_benign += other.alerted_benign;
        self.latencies.extend_from_slice(&other.latencies);
    }

    /// Computes the rates from the counts.
    pub fn finish(&mut self) {
        let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
        self.recall_warn = ratio(self.warned_grooming, self.grooming);
        self.recall_alert = ratio(self.alerted_grooming, self.grooming);
        self.false_warn_rate = ratio(self.warned_benign, self.benign);
        self.false_alert_rate = ratio(self.alerted_benign, self.benign);
        let alerted = self.alerted_grooming + self.alerted_benign;
        self.precision_alert = if self.grooming > 0 {
            ratio(self.alerted_grooming, alerted)
        } else {
            None
        };
        self.f05_alert = match (self.precision_alert, self.recall_alert) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(1.25 * p * r / (0.25 * p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        self.latencies.sort_unstable();
        self.latency_median = percentile(&self.latencies, 0.5);
        self.latency_p90 = percentile(&self.latencies, 0.9);
        self.messages_per_second =
            (self.seconds > 0.0).then(|| self.messages as f64 / self.seconds);
    }
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[usize], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1] as f64)
}

/// Per-source reports and the overall one.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EvalReport {
    /// Sensitivity used.
    pub sensitivity: String,
    /// One report per source, by name.
    pub sources: BTreeMap<String, SourceReport>,
    /// All sources together.
    pub overall: SourceReport,
}

impl EvalReport {
    /// Computes every rate; call once all conversations are added.
    pub fn finish(&mut self) {
        let mut overall = SourceReport::default();
        for r in self.sources.values_mut() {
            overall.merge(r);
            r.finish();
        }
        overall.finish();
        self.overall = overall;
    }

    /// A plain-text table, one row per source and one for all.
    pub fn table(&self) -> String {
        let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0));
        let num = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        let int = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        let mut out = format!(
            "sensitivity: {}\n{:<24} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>6} {:>6} {:>10}\n",
            self.sensitivity, "source", "convs", "groom", "benign", "rec@warn", "rec@alrt", "FP@warn", "FP@alrt",
            "P@alrt", "F0.5", "lat50", "lat90", "msg/s"
        );
        let row = |name: &str, r: &SourceReport| {
            format!(
                "{:<24} {:>6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>6} {:>6} {:>10}\n",
                name,
                r.conversations,
                r.grooming,
                r.benign,
                pct(r.recall_warn),
                pct(r.recall_alert),
                pct(r.false_warn_rate),
                pct(r.false_alert_rate),
                num(r.precision_alert),
                num(r.f05_alert),
                int(r.latency_median),
                int(r.latency_p90),
                int(r.messages_per_second)
            )
        };
        for (name, r) in &self.sources {
            out.push_str(&row(name, r));
        }
        out.push_str(&row("overall", &self.overall));
        out
    }
}
