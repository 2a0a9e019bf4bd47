//! What several integration tests share: playing a scripted conversation through the engine.

use safedm::{Assessment, Engine, Level, Message, Role};

/// (role, text) pairs, `c` for contact and `k` for the child ("kid").
pub type Script = &'static [(char, &'static str)];

/// Plays `script` in a fresh conversation: the highest level reached, and every assessment.
pub fn play(engine: &Engine, script: Script) -> (Level, Vec<Assessment>) {
    let mut state = engine.new_conversation();
    let mut out = Vec::new();
    for (i, (who, text)) in script.iter().enumerate() {
        let role = match who {
            'c' => Role::Contact,
            'k' => Role::Child,
            _ => Role::Unknown,
        };
        out.push(engine.observe(&mut state, &Message::new(format!("m{i}"), role, *text)));
    }
    let peak = out.iter().map(|a| a.level).max().unwrap_or(Level::None);
    (peak, out)
}
