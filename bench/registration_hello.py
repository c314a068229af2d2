"""A bare Flask "hello" app, served exactly like Bimtek in bench/registration_load.py, as the yardstick."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():
    return jsonify({"hello": "world"})
