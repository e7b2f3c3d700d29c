import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when a `java` launcher (11 or later, for single-file programs) is on PATH. */
export const javaAvailable: boolean = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const program = `
import java.io.*;
import java.util.*;
public class LoadProperties {
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\\\' || c < 0x20 || c > 0x7e) b.append(String.format("\\\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
  public static void main(String[] args) throws IOException {
    Properties p = new Properties();
    p.load(new InputStreamReader(System.in, "ISO-8859-1"));
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      if (!first) out.append(',');
      first = false;
      out.append(quote(key)).append(':').append(quote(p.getProperty(key)));
    }
    System.out.print(out.append('}'));
  }
}
`;

/**
 * Loads `text` with `java.util.Properties.load` (as Oozie's capture-output does) and returns the
 * entries. Requires {@link javaAvailable}.
 */
export function loadWithJava(text: string): Record<string, string> {
  const folder = mkdtempSync(join(tmpdir(), 'knimectl-props-'));
  const source = join(folder, 'LoadProperties.java');
  writeFileSync(source, program);
  const json = execFileSync('java', [source], { input: text, encoding: 'utf8' });
  return JSON.parse(json) as Record<string, string>;
}
