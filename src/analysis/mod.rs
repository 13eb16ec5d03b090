//! Derived facts, computed once per model and shared by the rules (being written).
use crate::model::Model;

pub struct Facts<'a> {
    pub model: &'a Model,
}

impl<'a> Facts<'a> {
    pub fn new(model: &'a Model) -> Self {
        Facts { model }
    }
}
