//! `Duration`, as CDK's: an amount in a unit, converted with integrality checks
//! (`to_seconds` of 1500 ms is an error unless rounding is asked for).

use std::fmt;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl Unit {
    fn in_millis(self) -> f64 {
        match self {
            Unit::Millis => 1.0,
            Unit::Seconds => 1_000.0,
            Unit::Minutes => 60_000.0,
            Unit::Hours => 3_600_000.0,
            Unit::Days => 86_400_000.0,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Unit::Millis => "millis",
            Unit::Seconds => "seconds",
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
            Unit::Days => "days",
        }
    }
}

/// A length of time (CDK's `Duration`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    amount: f64,
    unit: Unit,
}

impl Duration {
    /// Milliseconds.
    pub fn millis(amount: f64) -> Self {
        Duration {
            amount,
            unit: Unit::Millis,
        }
    }
    /// Seconds.
    pub fn seconds(amount: f64) -> Self {
        Duration {
            amount,
            unit: Unit::Seconds,
        }
    }
    /// Minutes.
    pub fn minutes(amount: f64) -> Self {
        Duration {
            amount,
            unit: Unit::Minutes,
        }
    }
    /// Hours.
    pub fn hours(amount: f64) -> Self {
        Duration {
            amount,
            unit: Unit::Hours,
        }
    }
    /// Days.
    pub fn days(amount: f64) -> Self {
        Duration {
            amount,
            unit: Unit::Days,
        }
    }

    fn convert(&self, to: Unit, integral: bool) -> Result<f64> {
        if self.amount < 0.0 || !self.amount.is_finite() {
            return Err(Error::validation(
                "",
                format!("duration amounts must be finite and >= 0, got {self}"),
            ));
        }
        if self.unit == to {
            return Ok(self.amount);
        }
        let value = self.amount * self.unit.in_millis() / to.in_millis();
        if integral && value.fract() != 0.0 {
            return Err(Error::validation(
                "",
                format!(
                    "'{self}' cannot be converted into a whole number of {}; use a whole amount or the integral: false variant",
                    to.label()
                ),
            ));
        }
        Ok(value)
    }

    /// Whole milliseconds.
    pub fn to_millis(&self) -> Result<f64> {
        self.convert(Unit::Millis, true)
    }
    /// Whole seconds (error if not integral, as CDK).
    pub fn to_seconds(&self) -> Result<f64> {
        self.convert(Unit::Seconds, true)
    }
    /// Seconds, possibly fractional.
    pub fn to_seconds_fractional(&self) -> Result<f64> {
        self.convert(Unit::Seconds, false)
    }
    /// Whole minutes.
    pub fn to_minutes(&self) -> Result<f64> {
        self.convert(Unit::Minutes, true)
    }
    /// Whole hours.
    pub fn to_hours(&self) -> Result<f64> {
        self.convert(Unit::Hours, true)
    }
    /// Whole days.
    pub fn to_days(&self) -> Result<f64> {
        self.convert(Unit::Days, true)
    }
    /// ISO 8601 text (`PT30S`, `PT5M`, `P1D`), as CDK's `toIsoString`.
    pub fn to_iso_string(&self) -> String {
        if self.amount == 0.0 {
            return "PT0S".into();
        }
        let mut millis = (self.amount * self.unit.in_millis()).round() as u64;
        let mut out = String::from("P");
        let days = millis / 86_400_000;
        millis %= 86_400_000;
        if days > 0 {
            out.push_str(&format!("{days}D"));
        }
        if millis > 0 {
            out.push('T');
            for (div, suffix) in [(3_600_000u64, "H"), (60_000, "M")] {
                if millis >= div {
                    out.push_str(&format!("{}{suffix}", millis / div));
                    millis %= div;
                }
            }
            if millis > 0 {
                let secs = millis as f64 / 1000.0;
                out.push_str(&format!("{secs}S"));
            }
        }
        out
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration.{}({})", self.unit.label(), self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_check_integrality() {
        assert_eq!(Duration::minutes(2.0).to_seconds().unwrap(), 120.0);
        assert_eq!(Duration::seconds(30.0).to_seconds().unwrap(), 30.0);
        assert!(Duration::millis(1500.0).to_seconds().is_err());
        assert_eq!(
            Duration::millis(1500.0).to_seconds_fractional().unwrap(),
            1.5
        );
        assert!(Duration::seconds(-1.0).to_seconds().is_err());
        assert_eq!(Duration::days(1.0).to_hours().unwrap(), 24.0);
    }

    #[test]
    fn iso_strings() {
        assert_eq!(Duration::seconds(30.0).to_iso_string(), "PT30S");
        assert_eq!(Duration::minutes(5.0).to_iso_string(), "PT5M");
        assert_eq!(Duration::days(1.0).to_iso_string(), "P1D");
        assert_eq!(Duration::seconds(0.0).to_iso_string(), "PT0S");
    }
}
