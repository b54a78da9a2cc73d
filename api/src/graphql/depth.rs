//! The depth limit, with introspection counted apart: data fields may nest 12 deep, a
//! `__schema`/`__type` subtree 20 deep (GraphiQL's and graphql-js's own introspection queries
//! reach 15 through their `TypeRef` fragment, which async-graphql's single limit refused).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};

use crate::error::code;

/// How deep data fields may nest.
pub const MAX_DEPTH: usize = 12;
/// How deep an introspection subtree may nest, from its `__schema` or `__type` field.
pub const MAX_INTROSPECTION_DEPTH: usize = 20;
/// Selection sets (fields, fragments, spreads) nested deeper than this are refused before
/// counting: the walk stays bounded whatever the document.
const MAX_NESTING: usize = 64;

pub struct DepthLimit;

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitExtension)
    }
}

struct DepthLimitExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for DepthLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        check(&doc)?;
        Ok(doc)
    }
}

/// The deepest data path and the deepest introspection path of a selection set, relative to it.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Depths {
    data: usize,
    introspection: usize,
}

impl Depths {
    fn max(self, other: Depths) -> Depths {
        Depths { data: self.data.max(other.data), introspection: self.introspection.max(other.introspection) }
    }
}

fn too_deep(message: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("code", code::VALIDATION);
    ext.set("field", "query");
    e
}

/// Refuses a document any of whose operations nests deeper than the limits.
fn check(doc: &ExecutableDocument) -> ServerResult<()> {
    let mut walk = Walk { doc, memo: HashMap::new(), open: Vec::new() };
    let mut depths = Depths::default();
    for (_, op) in doc.operations.iter() {
        depths = depths.max(walk.set(&op.node.selection_set.node, false, 0)?);
    }
    if depths.data > MAX_DEPTH {
        return Err(too_deep("Query is nested too deep."));
    }
    if depths.introspection > MAX_INTROSPECTION_DEPTH {
        return Err(too_deep("Introspection query is nested too deep."));
    }
    Ok(())
}

/// Fragments are counted once per (name, inside introspection) and inlined by their depths, so
/// a document of fragments spreading each other twice stays linear; a cycle counts as empty
/// (validation refuses it next).
struct Walk<'a> {
    doc: &'a ExecutableDocument,
    memo: HashMap<(&'a str, bool), Depths>,
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a SelectionSet, in_introspection: bool, nesting: usize) -> ServerResult<Depths> {
        if nesting > MAX_NESTING {
            return Err(too_deep("Query is nested too deep."));
        }
        let mut depths = Depths::default();
        for item in &set.items {
            let d = match &item.node {
                Selection::Field(f) => {
                    let name = f.node.name.node.as_str();
                    let children = &f.node.selection_set.node;
                    if in_introspection {
                        let c = self.set(children, true, nesting + 1)?;
                        Depths { data: 0, introspection: c.introspection + 1 }
                    } else if name == "__schema" || name == "__type" {
                        let c = self.set(children, true, nesting + 1)?;
                        Depths { data: 1, introspection: c.introspection + 1 }
                    } else {
                        let c = self.set(children, false, nesting + 1)?;
                        Depths { data: c.data + 1, introspection: c.introspection }
                    }
                }
                Selection::InlineFragment(f) => self.set(&f.node.selection_set.node, in_introspection, nesting + 1)?,
                Selection::FragmentSpread(s) => {
                    self.spread(s.node.fragment_name.node.as_str(), in_introspection, nesting)?
                }
            };
            depths = depths.max(d);
        }
        Ok(depths)
    }

    fn spread(&mut self, name: &'a str, in_introspection: bool, nesting: usize) -> ServerResult<Depths> {
        if let Some(d) = self.memo.get(&(name, in_introspection)) {
            return Ok(*d);
        }
        let Some((key, fragment)) = self.doc.fragments.get_key_value(name) else { return Ok(Depths::default()) };
        if self.open.contains(&name) {
            return Ok(Depths::default());
        }
        self.open.push(key.as_str());
        let d = self.set(&fragment.node.selection_set.node, in_introspection, nesting + 1);
        self.open.pop();
        let d = d?;
        self.memo.insert((key.as_str(), in_introspection), d);
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depths(query: &str) -> Depths {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        let mut walk = Walk { doc: &doc, memo: HashMap::new(), open: Vec::new() };
        let mut d = Depths::default();
        for (_, op) in doc.operations.iter() {
            d = d.max(walk.set(&op.node.selection_set.node, false, 0).expect("bounded"));
        }
        d
    }

    #[test]
    fn introspection_is_counted_apart_from_data() {
        assert_eq!(depths("{ a { b { c } } }"), Depths { data: 3, introspection: 0 });
        assert_eq!(
            depths(
                "{ __schema { types { ...T } } viewer { user } } fragment T on __Type { ofType { ofType { name } } }"
            ),
            Depths { data: 2, introspection: 5 }
        );
        assert_eq!(depths("{ __typename a { __typename } }"), Depths { data: 2, introspection: 0 });
    }

    #[test]
    fn fragment_cycles_and_fan_out_stay_bounded() {
        assert_eq!(depths("{ ...A } fragment A on Query { a { ...A } }"), Depths { data: 1, introspection: 0 });
        let mut q = String::from("{ ...F0 }");
        for i in 0..20 {
            q.push_str(&format!(" fragment F{i} on Query {{ x: a {{ ...F{} }} y: a {{ ...F{} }} }}", i + 1, i + 1));
        }
        q.push_str(" fragment F20 on Query { b }");
        assert_eq!(depths(&q).data, 21);
    }
}
