//! The CLI verbs table, from clap's own description of the command line (`cli::command()`, handed
//! in: the CLI depends on the docs, not the other way): every verb (and `token`'s sub-verbs) with
//! its help text and flags, so the docs cannot drift from `vcslink --help`.

pub fn table(root: &clap::Command) -> String {
    let mut out = String::from("| verb | what it does | options |\n|---|---|---|\n");
    rows(root, root.get_name(), &mut out);
    out
}

fn rows(command: &clap::Command, prefix: &str, out: &mut String) {
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let verb = format!("{prefix} {}", sub.get_name());
        if sub.has_subcommands() {
            rows(sub, &verb, out);
            continue;
        }
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default().replace('\n', " ").replace('|', "\\|");
        let options: Vec<String> = sub
            .get_arguments()
            .filter(|a| !a.is_global_set() && a.get_id() != "help")
            .map(|a| match a.get_long() {
                Some(long) => format!("`--{long}`"),
                None => format!("`<{}>`", a.get_id()),
            })
            .collect();
        let options = if options.is_empty() { "—".to_owned() } else { options.join(" ") };
        out.push_str(&format!("| `{verb}` | {about} | {options} |\n"));
    }
}

#[cfg(test)]
mod tests {
    use clap::{Arg, ArgAction, Command};

    #[test]
    fn every_leaf_verb_is_listed_with_its_options() {
        let root = Command::new("vcslink")
            .subcommand(
                Command::new("rotate-key")
                    .about("Re-seal")
                    .arg(Arg::new("finish").long("finish").action(ArgAction::SetTrue)),
            )
            .subcommand(
                Command::new("token").subcommand(Command::new("revoke").about("Revoke a | token").arg(Arg::new("id"))),
            );
        let t = super::table(&root);
        assert!(t.contains("| `vcslink rotate-key` | Re-seal | `--finish` |"), "{t}");
        assert!(t.contains("| `vcslink token revoke` | Revoke a \\| token | `<id>` |"), "{t}");
        assert!(!t.contains("`vcslink token` |"), "a group is not a verb: {t}");
    }
}
