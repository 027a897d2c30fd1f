// completion bash|zsh: a shell completion script for the commands, subcommands and options of
// the command table, written from the table itself (a new command or option completes at once).
import { UsageError } from "./args.js";
import { isGroup, optionsOf, type Command, type CommandGroup, type Runner } from "./types.js";

/** The command table, as commands.ts passes it (this file does not import the table). */
type Table = Record<string, Command | CommandGroup>;

/** `completion bash|zsh` for the commands of `table`. */
export const completionOf =
  (table: Table): Runner =>
  async (ctx) => {
    const shell = ctx.args.positionals[0] ?? "";
    const script = shell === "bash" ? bash(table) : shell === "zsh" ? zsh(table) : undefined;
    if (script === undefined) {
      throw new UsageError(`completion is for bash or zsh (got ${JSON.stringify(shell)})`);
    }
    if (ctx.json) return ctx.out.json({ shell, script });
    ctx.out.raw(script);
  };

/** The words of an option table: `--name` and `-s`. */
function optionWords(command: Command): string[] {
  return Object.entries(optionsOf(command)).flatMap(([name, spec]) =>
    spec.short ? [`--${name}`, `-${spec.short}`] : [`--${name}`],
  );
}

/** Whether a command's arguments are files (completed as paths). */
function takesFiles(command: Command): boolean {
  return command.positionals.name === "FILE";
}
export function bash(table: Table): string {
  const cases: string[] = [];
  for (const [name, entry] of Object.entries(table)) {
    if (isGroup(entry)) {
      const subs = Object.entries(entry.commands).map(
        ([sub, command]) => `        ${sub}) opts="${optionWords(command).join(" ")}" ;;`,
      );
      cases.push(
        `    ${name})`,
        `      subs="${Object.keys(entry.commands).join(" ")}"`,
        `      case "\${COMP_WORDS[2]}" in`,
        ...subs,
        `      esac ;;`,
      );
    } else {
      cases.push(`    ${name}) opts="${optionWords(entry).join(" ")}" ;;`);
    }
  }
  return `# bash completion for faxplus (faxplus completion bash)
_faxplus() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts="--help" subs=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${[...Object.keys(table), "help"].join(" ")} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
    help) subs="${Object.keys(table).join(" ")}" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ "$COMP_CWORD" -eq 2 ] && [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
  # Anything else (files, IDs, numbers): no words, so bash completes file names.
}
complete -o default -o bashdefault -F _faxplus faxplus
`;
}

/** Help text inside a zsh spec: no brackets or single quotes (colons only after the first). */
function zshText(text: string): string {
  return text.replace(/[[\]']/g, "");
}

function zshSpecs(command: Command): string[] {
  const specs = Object.entries(optionsOf(command)).map(([name, spec]) => {
    const value =
      spec.type === "string"
        ? `:${spec.value ?? "VALUE"}:${name === "output" ? "_files" : " "}`
        : "";
    const help = `[${zshText(spec.help)}]`;
    const repeat = spec.multiple ? "*" : "";
    if (spec.short)
      return `'(-${spec.short} --${name})'{-${spec.short},--${name}}'${help}${value}'`;
    return `'${repeat}--${name}${help}${value}'`;
  });
  if (takesFiles(command)) specs.push(`'*:file:_files'`);
  return specs;
}

export function zsh(table: Table): string {
  const describe = (entries: [string, { summary: string }][]) =>
    entries.map(([name, e]) => `'${name}:${zshText(e.summary)}'`).join(" ");
  const cases: string[] = [];
  for (const [name, entry] of Object.entries(table)) {
    if (isGroup(entry)) {
      const subs = Object.entries(entry.commands).map(
        ([sub, command]) =>
          `        ${sub}) shift words; (( CURRENT-- )); _arguments ${zshSpecs(command).join(" ")} ;;`,
      );
      cases.push(
        `    ${name})`,
        `      if (( CURRENT == 2 )); then local -a subs; subs=(${describe(Object.entries(entry.commands))}); _describe 'command' subs; return; fi`,
        `      case $words[2] in`,
        ...subs,
        `      esac ;;`,
      );
    } else {
      cases.push(`    ${name}) _arguments ${zshSpecs(entry).join(" ")} ;;`);
    }
  }
  return `#compdef faxplus
# zsh completion for faxplus (faxplus completion zsh)
_faxplus() {
  if (( CURRENT == 2 )); then
    local -a commands
    commands=(${describe(Object.entries(table))})
    _describe 'command' commands
    return
  fi
  shift words; (( CURRENT-- ))
  case $words[1] in
${cases.join("\n")}
  esac
}
if [ "$funcstack[1]" = "_faxplus" ]; then _faxplus "$@"; else compdef _faxplus faxplus; fi
`;
}
