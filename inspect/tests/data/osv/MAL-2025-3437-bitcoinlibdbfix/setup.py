from setuptools import setup
setup(name="bitcoinlibdbfix", version="0.1", packages=["bitcoinlibdbfix"], entry_points={"console_scripts": ["clw=bitcoinlibdbfix.cli:main"]})
