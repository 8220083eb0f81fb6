# Sourced by ./mdmsim and ./build: finds a JDK 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

mdmsim_java_major() { # prints the feature version of the java binary given, or nothing
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*} ;; esac
  printf '%s' "$v"
}

mdmsim_find_jdk() {
  local cand best="" best_v=0 v
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(mdmsim_java_major "$JAVA_HOME/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
    echo "mdmsim: JAVA_HOME=$JAVA_HOME is Java ${v:-unknown}; looking for a JDK 21+ elsewhere." >&2
  fi
  for cand in /usr/lib/jvm/*/ "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")/"; do
    cand=${cand%/}
    [ -x "$cand/bin/javac" ] && [ -x "$cand/bin/java" ] || continue
    v=$(mdmsim_java_major "$cand/bin/java")
    [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$cand; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    cat >&2 <<'MSG'
mdmsim: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm/* and javac on PATH).
Install one, for example:  apt-get install -y openjdk-21-jdk   (or any JDK 21+ such as Temurin 21 or 25),
or point JAVA_HOME at it.
MSG
    return 1
  fi
  export JAVA_HOME=$best
}

mdmsim_find_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "mdmsim: Apache Maven (mvn) is needed to build; install it with: apt-get install -y maven" >&2
    return 1
  fi
}

# Maven 3.8's bundled Guava touches sun.misc.Unsafe; JDK 23+ warns about it on every run. Keep the output clean.
mdmsim_quiet_maven() {
  local v
  v=$(mdmsim_java_major "$JAVA_HOME/bin/java")
  if [ -n "$v" ] && [ "$v" -ge 23 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
