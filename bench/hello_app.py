"""A bare Flask "hello" endpoint: the yardstick the benchmarks compare against."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():
    return jsonify({"hello": "world"})
