# Sourced by the scripts: finds a Java 25 JDK and exports JAVA_HOME for Maven and for us.
find_java25() {
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
      if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "2[5-9]'; then
        echo "$candidate"
        return 0
      fi
    fi
  done
  return 1
}
JAVA_HOME="$(find_java25)" || { echo "Java 25 not found: install Temurin 25 or set JAVA_HOME" >&2; exit 1; }
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
