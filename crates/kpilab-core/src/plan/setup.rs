//! A validated `PlanInput`: every check of the planning functions happens here,
//! so each error names its field the same way in every entry point.

use crate::common::Alternative;
use crate::error::{KpilabError, Result};
use crate::special::normal::normal_isf;
use crate::validate;

use super::types::{MdeType, PlanCorrection, PlanInput, PlanMethod, PlanMetric};

/// More arms than any A/B test has; keeps allocations and loops bounded.
pub(crate) const MAX_VARIANTS: u32 = 1000;
/// Largest answer in users: beyond 2^53 ceilings stop being exact, and no test
/// has 1e15 users per arm.
pub(crate) const MAX_USERS: f64 = 1e15;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ProportionMethod {
    Pooled,
    Unpooled,
    EvanMiller,
    Arcsine,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Model {
    Proportion {
        baseline: f64,
        method: ProportionMethod,
    },
    /// `t`: noncentral t; otherwise the normal approximation.
    Mean {
        mean: f64,
        std_dev: f64,
        t: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Setup {
    pub model: Model,
    /// Allocation weights, control first, scaled so the largest is 1.
    pub weights: Vec<f64>,
    /// z_{1-a} of the one tail that is tested: a = alpha/2 two-sided (far tail
    /// ignored), alpha one-sided; alpha is first divided by variants-1 with Bonferroni.
    pub alpha_tail: f64,
    pub z_alpha: f64,
    /// Target power and its z_power.
    pub power: f64,
    pub z_power: f64,
    pub alternative: Alternative,
    pub mde_type: MdeType,
}

impl Setup {
    pub fn new(input: &PlanInput) -> Result<Setup> {
        let model = model(&input.metric, input.method)?;
        let alpha = validate::open_unit("alpha", input.alpha)?;
        let power = validate::open_unit("power", input.power)?;
        if input.variants < 2 {
            return Err(KpilabError::invalid(
                "variants",
                format!(
                    "variants counts the arms including the control and must be at least 2, got {}",
                    input.variants
                ),
            ));
        }
        if input.variants > MAX_VARIANTS {
            return Err(KpilabError::invalid(
                "variants",
                format!("at most {MAX_VARIANTS} variants are supported, got {}", input.variants),
            ));
        }
        let weights = validate::weights("allocation", input.allocation.as_deref(), input.variants as usize)?;
        let largest = weights.iter().cloned().fold(0.0, f64::max);
        let weights = weights.iter().map(|w| w / largest).collect();
        if let Some(mde) = input.mde {
            validate::finite("mde", mde)?;
        }
        let comparisons = f64::from(input.variants - 1);
        let alpha_c = match input.correction {
            PlanCorrection::None => alpha,
            PlanCorrection::Bonferroni => alpha / comparisons,
        };
        let alpha_tail = match input.alternative {
            Alternative::TwoSided => alpha_c / 2.0,
            Alternative::Greater | Alternative::Less => alpha_c,
        };
        if power <= alpha_tail {
            return Err(KpilabError::invalid(
                "power",
                format!(
                    "power ({power}) must exceed the one-sided significance level ({alpha_tail}); typical power is 0.8"
                ),
            ));
        }
        Ok(Setup {
            model,
            weights,
            alpha_tail,
            z_alpha: normal_isf(alpha_tail),
            power,
            z_power: -normal_isf(power),
            alternative: input.alternative,
            mde_type: input.mde_type,
        })
    }

    /// Comparisons as (treatment index j, r = n_control / n_treatment = w_0 / w_j).
    pub fn comparisons(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        (1..self.weights.len()).map(move |j| (j, self.weights[0] / self.weights[j]))
    }

    /// Arm sizes when `users_per_variant` users per arm on average are split by the weights.
    pub fn arms(&self, users_per_variant: f64) -> Vec<f64> {
        let k = self.weights.len() as f64;
        let total_weight: f64 = self.weights.iter().sum();
        self.weights.iter().map(|w| users_per_variant * (k * w / total_weight)).collect()
    }

    /// Mean metric planned with the noncentral t.
    pub fn is_t(&self) -> bool {
        matches!(self.model, Model::Mean { t: true, .. })
    }

    /// The metric's value the relative MDE is a share of.
    pub fn base_value(&self) -> f64 {
        match self.model {
            Model::Proportion { baseline, .. } => baseline,
            Model::Mean { mean, .. } => mean,
        }
    }

    /// The value under H1: the treatment's rate p2 (proportions) or the
    /// difference of means delta, checked against the metric and the alternative.
    pub fn effect(&self, mde: Option<f64>) -> Result<f64> {
        let mde = mde.ok_or_else(|| {
            KpilabError::invalid("mde", "mde is required: the effect to detect, e.g. 0.1 for +10 % (relative)")
        })?;
        validate::finite("mde", mde)?;
        if mde == 0.0 {
            return Err(KpilabError::invalid("mde", "mde must not be 0: a test cannot detect no effect"));
        }
        let (change, effect) = match self.model {
            Model::Proportion { baseline, .. } => {
                let p2 = match self.mde_type {
                    MdeType::Relative => baseline * (1.0 + mde),
                    MdeType::Absolute => baseline + mde,
                };
                if !(p2 > 0.0 && p2 < 1.0) {
                    return Err(KpilabError::invalid(
                        "mde",
                        format!("with baseline {baseline} this mde ({mde}) puts the treatment's rate at {p2}, outside (0, 1); use a smaller mde"),
                    ));
                }
                (p2 - baseline, p2)
            }
            Model::Mean { mean, std_dev, .. } => {
                let delta = match self.mde_type {
                    MdeType::Relative => {
                        if mean == 0.0 {
                            return Err(KpilabError::invalid(
                                "metric.mean",
                                "a relative mde needs a nonzero mean; give mdeType \"absolute\" and the mde in the metric's unit",
                            ));
                        }
                        mean * mde
                    }
                    MdeType::Absolute => mde,
                };
                if !(delta / std_dev).is_finite() {
                    return Err(KpilabError::invalid(
                        "mde",
                        format!("the effect ({delta}) is too large relative to stdDev ({std_dev})"),
                    ));
                }
                (delta, delta)
            }
        };
        if change == 0.0 {
            return Err(KpilabError::invalid("mde", format!("mde ({mde}) is too small to change the metric")));
        }
        match self.alternative {
            Alternative::Greater if change < 0.0 => Err(KpilabError::invalid(
                "mde",
                format!("alternative \"greater\" tests for an increase, but this mde ({mde}) lowers the metric; use a positive effect or alternative \"less\""),
            )),
            Alternative::Less if change > 0.0 => Err(KpilabError::invalid(
                "mde",
                format!("alternative \"less\" tests for a decrease, but this mde ({mde}) raises the metric; use a negative mde or alternative \"greater\""),
            )),
            _ => Ok(effect),
        }
    }
}

fn model(metric: &PlanMetric, method: PlanMethod) -> Result<Model> {
    match *metric {
        PlanMetric::Proportion { baseline } => {
            validate::open_unit("metric.baseline", baseline)?;
            let method = match method {
                PlanMethod::Pooled => ProportionMethod::Pooled,
                PlanMethod::Unpooled => ProportionMethod::Unpooled,
                PlanMethod::EvanMiller => ProportionMethod::EvanMiller,
                PlanMethod::Arcsine => ProportionMethod::Arcsine,
                PlanMethod::T => {
                    return Err(KpilabError::invalid(
                        "method",
                        "method \"t\" is for means; a proportion takes \"pooled\", \"unpooled\", \"evan-miller\" or \"arcsine\"",
                    ))
                }
            };
            Ok(Model::Proportion { baseline, method })
        }
        PlanMetric::Mean { mean, std_dev } => {
            validate::finite("metric.mean", mean)?;
            validate::positive("metric.stdDev", std_dev)?;
            let t = match method {
                PlanMethod::Pooled => false,
                PlanMethod::T => true,
                other => {
                    return Err(KpilabError::invalid(
                        "method",
                        format!(
                            "method \"{}\" is for proportions; a mean takes \"pooled\" (normal) or \"t\"",
                            method_name(other)
                        ),
                    ))
                }
            };
            Ok(Model::Mean { mean, std_dev, t })
        }
        PlanMetric::TimeToEvent { .. } => Err(KpilabError::unsupported(
            "metric.kind",
            "a time-to-event plan gives a sample size (planSampleSize, planDuration); \
             for power or the detectable effect use a \"proportion\" or \"mean\" metric",
        )),
    }
}

fn method_name(method: PlanMethod) -> &'static str {
    match method {
        PlanMethod::Pooled => "pooled",
        PlanMethod::Unpooled => "unpooled",
        PlanMethod::EvanMiller => "evan-miller",
        PlanMethod::Arcsine => "arcsine",
        PlanMethod::T => "t",
    }
}
