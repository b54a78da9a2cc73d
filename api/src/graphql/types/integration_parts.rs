//! Which columns each field of `AzureDevOpsIntegration` reads, so a list page that shows a few
//! plain fields reads those columns alone (`store::integrations_list::Read`).

use crate::store::integrations_list::{Part, Read};

/// The columns a field reads besides the id; `None` for a field that needs the whole row
/// (secrets, the OAuth app, anything resolved from more than plain columns). A field missing
/// here costs nothing but speed: it reads the whole row.
fn part(field: &str) -> Option<&'static [Part]> {
    Some(match field {
        "__typename" | "id" => &[],
        "name" => &[Part::Name],
        "description" => &[Part::Description],
        "labels" => &[Part::Labels],
        "isDefault" => &[Part::IsDefault],
        "flavor" => &[Part::Flavor],
        "organizationUrl" | "personalAccessTokenUrl" => &[Part::OrganizationUrl],
        "organization" => &[Part::Organization],
        "status" => &[Part::Status],
        "createdAt" => &[Part::CreatedAt],
        "updatedAt" => &[Part::UpdatedAt],
        _ => return None,
    })
}

/// What a page must read of each row for nodes showing `fields`.
pub fn read_for<'a>(fields: impl Iterator<Item = &'a str>) -> Read {
    let mut parts = Vec::new();
    for field in fields {
        let Some(more) = part(field) else { return Read::Whole };
        for p in more {
            if !parts.contains(p) {
                parts.push(*p);
            }
        }
    }
    Read::Parts(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_read_their_columns_and_anything_else_the_whole_row() {
        let read = read_for(["id", "name", "status", "labels", "name"].into_iter());
        assert_eq!(read, Read::Parts(vec![Part::Name, Part::Status, Part::Labels]));
        assert_eq!(read_for(["name", "webhook"].into_iter()), Read::Whole);
        assert_eq!(read_for(["personalAccessToken"].into_iter()), Read::Whole);
        assert_eq!(read_for(std::iter::empty()), Read::Parts(Vec::new()));
    }
}
