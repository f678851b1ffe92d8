"""Short, real code snippets by fenced-code language, for the lesson bodies of technical subjects."""

from textwrap import dedent


def _code(text: str) -> str:
    return dedent(text).strip("\n")


SNIPPETS: dict[str, tuple[str, ...]] = {
    "python": (
        _code("""
        import pandas as pd

        df = pd.read_csv("sales.csv", parse_dates=["date"])
        monthly = df.groupby(df["date"].dt.to_period("M"))["amount"].sum()
        print(monthly.tail())
        """),
        _code("""
        def fibonacci(n: int) -> list[int]:
            a, b = 0, 1
            result = []
            for _ in range(n):
                result.append(a)
                a, b = b, a + b
            return result
        """),
        _code("""
        from pathlib import Path

        for path in Path("logs").glob("*.log"):
            errors = [line for line in path.read_text().splitlines() if "ERROR" in line]
            print(f"{path.name}: {len(errors)} errors")
        """),
        _code("""
        import pytest


        @pytest.mark.parametrize(('a', 'b', 'total'), [(1, 2, 3), (0, 0, 0)])
        def test_add(a, b, total):
            assert a + b == total
        """),
        _code("""
        from sklearn.model_selection import train_test_split
        from sklearn.ensemble import RandomForestClassifier

        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
        model = RandomForestClassifier(n_estimators=200).fit(X_train, y_train)
        print(model.score(X_test, y_test))
        """),
    ),
    "javascript": (
        _code("""
        const response = await fetch('/api/courses?limit=10');
        if (!response.ok) throw new Error(response.statusText);
        const { items } = await response.json();
        console.log(items.map((c) => c.title));
        """),
        _code("""
        function debounce(fn, ms) {
          let timer;
          return (...args) => {
            clearTimeout(timer);
            timer = setTimeout(() => fn(...args), ms);
          };
        }
        """),
        _code("""
        import { useState } from 'react';

        export function Counter() {
          const [count, setCount] = useState(0);
          return <button onClick={() => setCount(count + 1)}>Clicked {count} times</button>;
        }
        """),
    ),
    "typescript": (
        _code("""
        interface Course {
          id: string;
          title: string;
          price: number;
        }

        const cheapest = (courses: Course[]): Course | undefined =>
          [...courses].sort((a, b) => a.price - b.price)[0];
        """),
        _code("""
        type Result<T> = { ok: true; value: T } | { ok: false; error: string };

        function parse(input: string): Result<number> {
          const n = Number(input);
          return Number.isNaN(n) ? { ok: false, error: 'not a number' } : { ok: true, value: n };
        }
        """),
    ),
    "rust": (
        _code("""
        use std::collections::HashMap;

        fn word_counts(text: &str) -> HashMap<&str, usize> {
            let mut counts = HashMap::new();
            for word in text.split_whitespace() {
                *counts.entry(word).or_insert(0) += 1;
            }
            counts
        }
        """),
        _code("""
        fn main() -> Result<(), Box<dyn std::error::Error>> {
            let text = std::fs::read_to_string("input.txt")?;
            println!("{} lines", text.lines().count());
            Ok(())
        }
        """),
    ),
    "go": (
        _code("""
        package main

        import (
            "fmt"
            "sync"
        )

        func main() {
            var wg sync.WaitGroup
            for i := 1; i <= 3; i++ {
                wg.Add(1)
                go func(n int) {
                    defer wg.Done()
                    fmt.Println("worker", n)
                }(i)
            }
            wg.Wait()
        }
        """).replace("    ", "\t"),  # gofmt indents with tabs
        _code("""
        func handler(w http.ResponseWriter, r *http.Request) {
            w.Header().Set("Content-Type", "application/json")
            json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
        }
        """).replace("    ", "\t"),  # gofmt indents with tabs
    ),
    "java": (
        _code("""
        List<String> titles = courses.stream()
            .filter(c -> c.price() > 0)
            .map(Course::title)
            .sorted()
            .toList();
        """),
        _code("""
        public record Course(String id, String title, BigDecimal price) {
            public boolean isFree() {
                return price.signum() == 0;
            }
        }
        """),
    ),
    "csharp": (
        _code("""
        var titles = courses
            .Where(c => c.Price > 0)
            .OrderBy(c => c.Title)
            .Select(c => c.Title)
            .ToList();
        """),
        _code("""
        public async Task<IActionResult> Get(Guid id)
        {
            var course = await _db.Courses.FindAsync(id);
            return course is null ? NotFound() : Ok(course);
        }
        """),
    ),
    "cpp": (
        _code("""
        #include <vector>
        #include <algorithm>

        int main() {
            std::vector<int> v{5, 3, 8, 1};
            std::ranges::sort(v);
            return v.front();
        }
        """),
    ),
    "c": (
        _code(r"""
        #include <stdio.h>

        int main(void) {
            for (int i = 0; i < 3; i++) {
                printf("%d\n", i);
            }
            return 0;
        }
        """),
    ),
    "kotlin": (
        _code("""
        data class Course(val title: String, val price: Double)

        fun main() {
            val free = listOf(Course("Intro", 0.0), Course("Pro", 49.0)).filter { it.price == 0.0 }
            println(free)
        }
        """),
        _code("""
        @Composable
        fun Greeting(name: String) {
            Text(text = "Hello, $name!")
        }
        """),
    ),
    "swift": (
        _code("""
        struct Course: Identifiable {
            let id = UUID()
            let title: String
        }

        struct CourseList: View {
            let courses: [Course]
            var body: some View {
                List(courses) { Text($0.title) }
            }
        }
        """),
    ),
    "dart": (
        _code("""
        class CourseTile extends StatelessWidget {
          const CourseTile({super.key, required this.title});
          final String title;

          @override
          Widget build(BuildContext context) => ListTile(title: Text(title));
        }
        """),
        _code("""
        Future<List<String>> loadTitles() async {
          final response = await http.get(Uri.parse(apiUrl));
          final data = jsonDecode(response.body) as List;
          return data.map((c) => c['title'] as String).toList();
        }
        """),
    ),
    "yaml": (
        _code("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports: [{containerPort: 80}]
        """),
        _code("""
        name: ci
        on: [push]
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: make test
        """),
    ),
    "dockerfile": (
        _code("""
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install --no-cache-dir -r requirements.txt
        COPY . .
        CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]
        """),
    ),
    "hcl": (
        _code("""
        resource "aws_s3_bucket" "assets" {
          bucket = "my-course-assets"

          tags = {
            Environment = "production"
          }
        }
        """),
    ),
    "nginx": (
        _code("""
        server {
            listen 80;
            server_name example.com;
            location / {
                proxy_pass http://127.0.0.1:8000;
            }
        }
        """),
    ),
    "bash": (
        _code("""
        nmap -sV -p 1-1000 192.168.56.101
        """),
        _code("""
        grep -c 'Failed password' /var/log/auth.log
        journalctl -u ssh --since today | tail -n 20
        """),
        _code("""
        for f in *.log; do
          gzip "$f"
        done
        """),
    ),
    "sql": (
        _code("""
        SELECT category, count(*) AS courses, avg(price) AS avg_price
        FROM courses
        WHERE status = 'published'
        GROUP BY category
        ORDER BY courses DESC;
        """),
        _code("""
        SELECT student_id,
               sum(amount) OVER (PARTITION BY student_id ORDER BY paid_at) AS running_total
        FROM payments;
        """),
    ),
    "r": (
        _code("""
        library(dplyr)

        sales |>
          group_by(region) |>
          summarise(total = sum(amount)) |>
          arrange(desc(total))
        """),
    ),
    "haskell": (
        _code("""
        quicksort :: Ord a => [a] -> [a]
        quicksort [] = []
        quicksort (p:xs) =
          quicksort [x | x <- xs, x < p] ++ [p] ++ quicksort [x | x <- xs, x >= p]
        """),
    ),
    "ruby": (
        _code("""
        class Course < ApplicationRecord
          has_many :lessons
          scope :free, -> { where(price: 0) }
        end
        """),
    ),
    "php": (
        _code("""
        Route::get('/courses/{course}', function (Course $course) {
            return view('course', ['course' => $course]);
        });
        """),
    ),
    "html": (
        _code("""
        <nav class="flex gap-4">
          <a href="/">Home</a>
          <a href="/courses">Courses</a>
        </nav>
        """),
        _code("""
        <button hx-post="/like" hx-swap="outerHTML">Like</button>
        """),
    ),
    "graphql": (
        _code("""
        query {
          course(id: "42") {
            title
            lessons { title durationMinutes }
          }
        }
        """),
    ),
    "scala": (
        _code("""
        val titles = courses.filter(_.price > 0).map(_.title).sorted
        """),
    ),
    "elixir": (
        _code("""
        defmodule Greeter do
          def hello(name), do: "Hello, #{name}!"
        end
        """),
    ),
    "clojure": (
        _code("""
        (defn square [x] (* x x))
        (map square [1 2 3])
        """),
    ),
    "ocaml": (
        _code("""
        let rec sum = function
          | [] -> 0
          | x :: rest -> x + sum rest
        """),
    ),
    "julia": (
        _code("""
        function mean(xs)
            sum(xs) / length(xs)
        end
        """),
    ),
    "zig": (
        _code(r"""
        const std = @import("std");

        pub fn main() void {
            std.debug.print("Hello, {s}!\n", .{"world"});
        }
        """),
    ),
    "erlang": (
        _code("""
        -module(hello).
        -export([greet/1]).

        greet(Name) -> io:format("Hello, ~s~n", [Name]).
        """),
    ),
}
