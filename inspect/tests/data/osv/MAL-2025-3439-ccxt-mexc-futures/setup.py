from setuptools import setup
setup(name="ccxt-mexc-futures", version="1.0", packages=["ccxt_mexc"])
