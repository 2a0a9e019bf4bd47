//! Scoring whole conversations and the evaluation report of `safedm eval`.

use crate::corpus::Conversation;
use crate::source::Source;
use safedm::cues::Category;
use safedm::engine::Engine;
use safedm::message::Role;
use safedm::Level;
use serde::Serialize;
use std::collections::BTreeMap;

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
    pub contact_messages_to_alert: Option<usize>,
    /// A continuous score for ROC curves: the highest risk, with the model's probability at
    /// that point breaking ties between equal risks.
    pub max_score: f64,
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
        max_score: 0.0,
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
        let score = f64::from(a.risk) + a.model.as_ref().map_or(0.0, |m| f64::from(m.probability));
        record.max_score = record.max_score.max(score);
        record.max_level = record.max_level.max(a.level);
        record.max_risk = record.max_risk.max(a.risk);
    }
    record
}

/// Rewrites a decoy stream (an adult posing as a child, labelled with the offender's chat) as a
/// benign contact stream: the hard negative of an adult talking to an adult in the same era.
pub fn decoy_as_contact(mut c: Conversation) -> Conversation {
    if c.source() == Source::Decoy {
        c.source = Some(Source::DecoyAsContact.name().to_string());
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
    #[serde(skip)]
    scores: Vec<(bool, f64)>,
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
        if let Some(g) = grooming {
            self.scores.push((g, record.max_score));
        }
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
    /// ROC-AUC per pair "grooming source vs benign source" (and within sources that hold both).
    #[serde(default)]
    pub roc_auc: BTreeMap<String, f64>,
}

/// Sources in the order the table shows them: the era-matched hard negatives first.
pub const SOURCE_ORDER: &[Source] = &[
    Source::Pan12Benign,
    Source::DecoyAsContact,
    Source::Irc,
    Source::ChitChat,
    Source::Offender,
    Source::OffenderSegments,
];

fn order_key(name: &str) -> (usize, &str) {
    let source = Source::from_name(name);
    (
        SOURCE_ORDER
            .iter()
            .position(|s| *s == source)
            .unwrap_or(SOURCE_ORDER.len()),
        name,
    )
}

/// ROC-AUC of positive against negative scores (ties count half).
pub fn roc_auc(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut wins = 0f64;
    let mut sorted = negatives.to_vec();
    sorted.sort_by(f64::total_cmp);
    for p in positives {
        let below = sorted.partition_point(|n| n < p);
        let equal = sorted[below..].partition_point(|n| n <= p);
        wins += below as f64 + 0.5 * equal as f64;
    }
    Some(wins / (positives.len() as f64 * negatives.len() as f64))
}

impl EvalReport {
    /// Computes every rate; call once all conversations are added.
    pub fn finish(&mut self) {
        self.roc_auc.clear();
        let pos = |r: &SourceReport| -> Vec<f64> {
            r.scores.iter().filter(|s| s.0).map(|s| s.1).collect()
        };
        let neg = |r: &SourceReport| -> Vec<f64> {
            r.scores.iter().filter(|s| !s.0).map(|s| s.1).collect()
        };
        for (pname, p) in &self.sources {
            for (nname, n) in &self.sources {
                let both = pname == nname;
                let corpus_pair = !both && p.benign == 0 && n.grooming == 0;
                if both || corpus_pair {
                    if let Some(a) = roc_auc(&pos(p), &neg(n)) {
                        self.roc_auc.insert(format!("{pname} vs {nname}"), a);
                    }
                }
            }
        }
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
        let mut names: Vec<&String> = self.sources.keys().collect();
        names.sort_by_key(|n| order_key(n));
        for name in names {
            out.push_str(&row(name, &self.sources[name]));
        }
        out.push_str(&row("overall", &self.overall));
        if !self.roc_auc.is_empty() {
            out.push_str("ROC-AUC (highest risk per conversation):\n");
            let mut pairs: Vec<(&String, &f64)> = self.roc_auc.iter().collect();
            pairs.sort_by_key(|(k, _)| {
                let benign = k.split(" vs ").nth(1).unwrap_or_default();
                order_key(benign)
            });
            for (pair, auc) in pairs {
                out.push_str(&format!("  {pair:<48} {auc:.3}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_auc_counts_ties_half() {
        assert_eq!(roc_auc(&[2.0, 3.0], &[1.0]), Some(1.0));
        assert_eq!(roc_auc(&[1.0], &[2.0]), Some(0.0));
        assert_eq!(roc_auc(&[1.0], &[1.0, 0.0]), Some(0.75));
        assert_eq!(roc_auc(&[], &[1.0]), None);
    }
}
