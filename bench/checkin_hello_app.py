"""A bare Flask "hello" endpoint: the yardstick the check-in benchmark compares against."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():
    return jsonify({"hello": "world"})
