from setuptools import setup
setup(name="fabrice", version="2.9.0", packages=["fabrice"])
