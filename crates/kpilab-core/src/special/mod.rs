//! Special functions shared by planning and analysis: the normal and Student t
//! laws, the noncentral t (power of a t test), ln B and the regularized
//! incomplete beta with its quantile, and Brent's root finder. Each is accurate to ~1e-13 or better where statrs is not (see
//! the file docs); the statistics built on them live in `plan` and `analyze`.

pub(crate) mod beta;
pub(crate) mod noncentral_t;
pub(crate) mod normal;
pub(crate) mod root;
pub(crate) mod student_t;
