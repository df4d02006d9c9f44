//! People and groups that own follow-up work, shared across incidents.

use super::string_enum;

string_enum!(
    OwnerKind, "owner kind" {
        Person = "person" / "person",
        Group = "group" / "group",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub id: String,
    pub name: String,
    pub kind: OwnerKind,
    pub contact: String,
}
