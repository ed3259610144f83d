# Shared by the scripts in this folder: finds a JDK of 21 or later and checks for tools.

# Sets JAVA_HOME to a JDK of release 21 or later: $JAVA_HOME if it is one, else the newest under
# /usr/lib/jvm. Fails with a clear line when there is none.
sluice_pick_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "sluice: no JDK 21 or later found (set JAVA_HOME, or: apt-get install openjdk-21-jdk-headless)" >&2
  return 1
}

# Prints the Debian packages (from "binary:package" pairs) whose binary is not on PATH.
sluice_missing_packages() {
  local pair binary package missing=()
  for pair in "$@"; do
    binary=${pair%%:*}
    package=${pair#*:}
    command -v "$binary" >/dev/null 2>&1 || [ -x "/usr/sbin/$binary" ] || missing+=("$package")
  done
  echo "${missing[@]}"
}
