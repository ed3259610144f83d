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

# Prints the JVM options the worker's media path wants from $JAVA_HOME's java, one per line.
# On JDK 23 and later, sun.misc.Unsafe's memory access must be allowed explicitly (JEP 471/498);
# without it Netty 4.2 on JDK 24+ runs its pooled direct buffers without Unsafe, and every copy
# into one allocates NIO buffer views (64 bytes per forwarded packet and consumer, see
# docs/benchmarks.md "Fan-out load"). JDK 21 and 22 allow it by default and reject the option.
# Every JVM exits on OutOfMemoryError: a worker that lives on after one holds its ports and
# answers nothing; a dead one is detected in under 2 s and its rooms move (docs/protocol.md).
# On every JDK, the add-opens lets SRTP's AES-GCM use the JDK's GHASH intrinsic (srtp/JdkGhash.java;
# the worker jar's manifest carries it too, for java -jar).
sluice_worker_jvm_options() {
  local version
  echo "-XX:+ExitOnOutOfMemoryError"
  echo "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED"
  version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p')
  if [ "${version%%.*}" -ge 23 ] 2>/dev/null; then
    echo "--sun-misc-unsafe-memory-access=allow"
    # Netty's epoll transport loads its JNI library (JEP 472 warns on JDK 24+ without this).
    echo "--enable-native-access=ALL-UNNAMED"
  fi
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
