//! Engine configuration: how sensitive, and what is known about the child.

use crate::error::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

/// How readily the engine warns. `Balanced` is the default chosen for families.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    /// Fewer, surer alerts: only clear, combined patterns.
    Relaxed,
    /// The default: several independent signs before a warning.
    #[default]
    Balanced,
    /// Earlier warnings, more false alarms; for younger children.
    Strict,
}

impl Sensitivity {
    /// Parses `relaxed`, `balanced` or `strict` (any case).
    pub fn parse(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relaxed" => Ok(Sensitivity::Relaxed),
            "balanced" => Ok(Sensitivity::Balanced),
            "strict" => Ok(Sensitivity::Strict),
            other => Err(Error::new(
                ErrorKind::InvalidConfig,
                format!("sensitivity must be relaxed, balanced or strict, not {other:?}"),
            )),
        }
    }

    /// The lowercase name, as accepted by [`Sensitivity::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Relaxed => "relaxed",
            Sensitivity::Balanced => "balanced",
            Sensitivity::Strict => "strict",
        }
    }
}

/// The engine's settings. Build with `Config::default()` and adjust, then [`Config::validate`]
/// (the engine does it for you).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// How readily to warn.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// The protected child's age in years, if the parent gave it (5 to 17).
    #[serde(default)]
    pub child_age: Option<u8>,
}

impl Config {
    /// Youngest and oldest child age accepted.
    pub const CHILD_AGE_RANGE: std::ops::RangeInclusive<u8> = 5..=17;

    /// Checks every field; the error names the field and the accepted values.
    pub fn validate(&self) -> Result<(), Error> {
        if let Some(age) = self.child_age {
            if !Self::CHILD_AGE_RANGE.contains(&age) {
                return Err(Error::new(
                    ErrorKind::InvalidConfig,
                    format!(
                        "childAge must be between {} and {}, not {age}",
                        Self::CHILD_AGE_RANGE.start(),
                        Self::CHILD_AGE_RANGE.end()
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitivity_parses_names_and_rejects_others() {
        assert_eq!(Sensitivity::parse("Strict").unwrap(), Sensitivity::Strict);
        assert_eq!(
            Sensitivity::parse(" relaxed ").unwrap(),
            Sensitivity::Relaxed
        );
        let err = Sensitivity::parse("paranoid").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert!(err.message().contains("paranoid"));
    }

    #[test]
    fn child_age_out_of_range_is_a_clear_error() {
        for bad in [0u8, 4, 18, 200] {
            let c = Config {
                child_age: Some(bad),
                ..Config::default()
            };
            let err = c.validate().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            assert!(err.message().contains("childAge"), "{err}");
        }
        for good in [5u8, 12, 17] {
            let c = Config {
                child_age: Some(good),
                ..Config::default()
            };
            c.validate().unwrap();
        }
    }

    #[test]
    fn config_json_rejects_unknown_fields() {
        let err = serde_json::from_str::<Config>(r#"{"sensitivity":"strict","age":3}"#);
        assert!(err.is_err());
        let ok: Config = serde_json::from_str(r#"{"sensitivity":"strict","childAge":12}"#).unwrap();
        assert_eq!(ok.child_age, Some(12));
    }
}
