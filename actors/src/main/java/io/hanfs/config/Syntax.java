package io.hanfs.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lexical rules for config values that end up as command arguments or in generated files.
 * The daemon runs as root, so every value is treated as hostile: only plain names, normalised
 * absolute paths and literal addresses pass.
 */
public final class Syntax {
  private Syntax() {}

  /** Characters a shell (or a generated config file) would give a meaning to. */
  private static final Pattern SHELL_META = Pattern.compile("[;&|$`\\\\<>()\\[\\]{}!*?~'\"#\\s]");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");
  private static final Pattern DRBD_RESOURCE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
  private static final Pattern PATH_CHARS = Pattern.compile("[A-Za-z0-9._/+@:,=-]+");
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern MOUNT_OPTION = Pattern.compile("[a-z0-9_]+(=[A-Za-z0-9_.:/-]+)?");

  /** Export options hanfs understands for both servers (fsid has its own field). */
  public static final Set<String> EXPORT_FLAGS = Set.of(
      "rw", "ro", "sync", "async", "root_squash", "no_root_squash", "all_squash", "no_all_squash",
      "subtree_check", "no_subtree_check", "secure", "insecure", "wdelay", "no_wdelay", "crossmnt",
      "nohide", "hide");
  public static final Set<String> EXPORT_VALUED = Set.of("anonuid", "anongid", "sec");
  private static final Set<String> SEC_FLAVOURS = Set.of("sys", "krb5", "krb5i", "krb5p", "none");

  public static boolean hasShellMeta(String s) {
    return SHELL_META.matcher(s).find() || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  public static boolean isName(String s) {
    return NAME.matcher(s).matches();
  }

  public static boolean isInterface(String s) {
    return INTERFACE.matcher(s).matches() && !s.equals(".") && !s.equals("..");
  }

  public static boolean isDrbdResource(String s) {
    return DRBD_RESOURCE.matcher(s).matches();
  }

  public static boolean isIpv4(String s) {
    return IPV4.matcher(s).matches();
  }

  /** An IPv6 literal (no zone id, no embedded dotted quad); see {@link IpLiteral}. */
  public static boolean isIpv6(String s) {
    return IpLiteral.isIpv6(s);
  }

  /** An IPv4 loopback address (127.0.0.0/8), the IPv6 loopback ::1 or "localhost". */
  public static boolean isLoopback(String s) {
    return s.equals("localhost") || isIpv4(s) && s.startsWith("127.") || isIpv6(s) && IpLiteral.canonical(s).equals("::1");
  }

  public static boolean isHostname(String s) {
    // A name whose last label is numeric would be read as a (possibly broken) IPv4 address.
    return HOSTNAME.matcher(s).matches() && !s.substring(s.lastIndexOf('.') + 1).matches("\\d+");
  }

  /** Returns why {@code s} is not a plain absolute normalised path, or empty when it is one. */
  public static Optional<String> pathProblem(String s) {
    if (!s.startsWith("/")) return Optional.of("\"" + s + "\" is a relative path");
    if (!PATH_CHARS.matcher(s).matches())
      return Optional.of("\"" + s + "\" has characters other than letters, digits and ._/+@:,=-");
    if (s.length() > 1 && s.endsWith("/")) return Optional.of("\"" + s + "\" ends with /");
    if (!Path.of(s).normalize().toString().equals(s) || s.contains("//"))
      return Optional.of("\"" + s + "\" is not normalised (it has //, . or ..)");
    for (String part : s.split("/")) {
      if (part.startsWith("-")) return Optional.of("\"" + s + "\" has a component starting with - (it would read as an option)");
    }
    return Optional.empty();
  }

  /** An IPv4 address with a prefix, e.g. 192.168.33.20/24; returns the prefix or -1. */
  public static int cidrPrefix(String s) {
    int slash = s.indexOf('/');
    if (slash < 0 || !isIpv4(s.substring(0, slash))) return -1;
    String p = s.substring(slash + 1);
    if (!p.matches("\\d{1,2}")) return -1;
    int prefix = Integer.parseInt(p);
    return prefix <= 32 ? prefix : -1;
  }

  /** An IPv6 address with a prefix, e.g. fd00:33::20/64; returns the prefix (0..128) or -1. */
  public static int ipv6CidrPrefix(String s) {
    int slash = s.indexOf('/');
    if (slash < 0 || !isIpv6(s.substring(0, slash))) return -1;
    String p = s.substring(slash + 1);
    if (!p.matches("\\d{1,3}")) return -1;
    int prefix = Integer.parseInt(p);
    return prefix <= 128 ? prefix : -1;
  }

  /** An NFS client spec: *, an address or CIDR (IPv4 or IPv6), a hostname, a *.domain wildcard or an @netgroup. */
  public static boolean isClientSpec(String s) {
    if (s.equals("*")) return true;
    if (s.startsWith("@")) return s.substring(1).matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    if (isIpv4(s) || cidrPrefix(s) >= 0) return true;
    if (isIpv6(s) || ipv6CidrPrefix(s) >= 0) return true;
    if (s.startsWith("*.")) return isHostname(s.substring(2));
    return isHostname(s);
  }

  /** Returns why an export option is not valid, or empty. */
  public static Optional<String> exportOptionProblem(String opt) {
    if (EXPORT_FLAGS.contains(opt)) return Optional.empty();
    int eq = opt.indexOf('=');
    if (eq > 0) {
      String key = opt.substring(0, eq);
      String value = opt.substring(eq + 1);
      if (key.equals("fsid")) return Optional.of("fsid belongs in the export's own fsid field, not in options");
      if (key.equals("anonuid") || key.equals("anongid")) {
        return value.matches("\\d{1,10}") ? Optional.empty() : Optional.of(key + " needs a number");
      }
      if (key.equals("sec")) {
        for (String f : value.split(":", -1)) {
          if (!SEC_FLAVOURS.contains(f)) return Optional.of("sec flavour \"" + f + "\" is not one of " + SEC_FLAVOURS);
        }
        return Optional.empty();
      }
    }
    return Optional.of("\"" + opt + "\" is not a known export option");
  }

  public static boolean isMountOption(String s) {
    return MOUNT_OPTION.matcher(s).matches();
  }

  /** True when {@code inner} equals {@code outer} or lies below it. */
  public static boolean isInside(Path inner, Path outer) {
    return inner.startsWith(outer);
  }
}
