//! Typed entity ids and the allocator that hands them out.
//!
//! A front end learns every entity's id before it lowers anything, so that a reference can be
//! resolved whatever the declaration order: it *reserves* an id per entity first, and *fills*
//! the slot when it lowers the entity, in any order. [`Slots::finish`] checks that every
//! reserved id was filled, so no pass has to push in a predicted order.

use super::{CapacityProviderId, FunctionId, PolicyId, RoleId};
use super::{EndpointId, GatewayId, RouteTableId, SecurityGroupId, SubnetId, VpcId};

/// A model entity, by kind: what a reference in the source can resolve to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Vpc(VpcId),
    Subnet(SubnetId),
    RouteTable(RouteTableId),
    Gateway(GatewayId),
    Endpoint(EndpointId),
    SecurityGroup(SecurityGroupId),
    Function(FunctionId),
    Role(RoleId),
    Policy(PolicyId),
    CapacityProvider(CapacityProviderId),
}

/// One arena under construction: reserved ids, filled in any order.
#[derive(Debug)]
pub struct Slots<T> {
    slots: Vec<Option<T>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { slots: Vec::new() }
    }
}

impl<T> Slots<T> {
    /// Continues an arena that already holds entities (other templates of the run).
    pub fn from_existing(items: Vec<T>) -> Self {
        Slots {
            slots: items.into_iter().map(Some).collect(),
        }
    }

    /// A new id whose entity is filled in later.
    pub fn reserve(&mut self) -> u32 {
        self.slots.push(None);
        (self.slots.len() - 1) as u32
    }

    /// Stores the entity of a reserved id. Filling an id twice keeps the first entity: two
    /// lowerings of one resource are a front-end bug, and the first is the declared one.
    pub fn fill(&mut self, id: u32, item: T) {
        if let Some(slot @ None) = self.slots.get_mut(id as usize) {
            *slot = Some(item);
        }
    }

    /// Reserves and fills at once, for entities nothing refers to before they exist.
    pub fn push(&mut self, item: T) -> u32 {
        self.slots.push(Some(item));
        (self.slots.len() - 1) as u32
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.slots.get(id as usize).and_then(Option::as_ref)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.slots.get_mut(id as usize).and_then(Option::as_mut)
    }

    /// The filled entities with their ids.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u32, &mut T)> {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(i, s)| s.as_mut().map(|s| (i as u32, s)))
    }

    /// The finished arena.
    ///
    /// # Panics
    /// When a reserved id was never filled: ids after it would point at the wrong entity, so the
    /// unit fails loudly (the engine's panic guard reports LVL903) instead of linting a model
    /// whose references are shifted. Only a front-end bug can cause it, never the input.
    pub fn finish(self, what: &str) -> Vec<T> {
        let mut out = Vec::with_capacity(self.slots.len());
        for (i, slot) in self.slots.into_iter().enumerate() {
            match slot {
                Some(item) => out.push(item),
                None => panic!("{what} id {i} was reserved but never filled"),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_in_any_order() {
        let mut s = Slots::from_existing(vec!["a"]);
        let b = s.reserve();
        let c = s.reserve();
        s.fill(c, "c");
        s.fill(b, "b");
        s.fill(b, "again");
        assert_eq!(s.push("d"), 3);
        assert_eq!(s.get(1), Some(&"b"));
        assert_eq!(s.finish("test"), vec!["a", "b", "c", "d"]);
    }

    #[test]
    #[should_panic(expected = "role id 1 was reserved but never filled")]
    fn unfilled_id_is_loud() {
        let mut s = Slots::default();
        s.push("a");
        s.reserve();
        s.finish("role");
    }
}
